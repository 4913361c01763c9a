/**
 * The order checks through the `order-sign` hook over HTTP, on a real server and database: the
 * ONC high-priority interaction matrix (each of the 15 pairs, two members a side where the class
 * has two, members taken from the shipped knowledge), a safe set that raises nothing, and one
 * case each of allergy cross-sensitivity, duplicate therapy, duplicate lab (with the link to the
 * earlier result) and dose range, read from the patient's saved record.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MedicationRequest, ServiceRequest } from '@medplum/fhirtypes';
import { shippedKnowledge } from '../../src/medications/knowledge.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { buildClinic, userToken, type Clinic } from '../auth/fixtures.ts';
import { codeOf } from '../medications/fixtures.ts';
import { allergy, cds, draftBundle, hookRequest, labOrder, labResult, save } from './fixtures.ts';
import { validateAs } from './json-schema.ts';

const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

/** The 15 ONC pairs (Phansalkar 2012), each with one member per side named here and checked to be in the knowledge. */
const ONC: Array<[rule: string, a: string, b: string]> = [
  ['onc-hp-01', 'dextroamphetamine', 'phenelzine'],
  ['onc-hp-02', 'atazanavir', 'omeprazole'],
  ['onc-hp-03', 'febuxostat', 'azathioprine'],
  ['onc-hp-04', 'sertraline', 'phenelzine'],
  ['onc-hp-05', 'irinotecan', 'clarithromycin'],
  ['onc-hp-06', 'tramadol', 'phenelzine'],
  ['onc-hp-07', 'amitriptyline', 'tranylcypromine'],
  ['onc-hp-08', 'amiodarone', 'haloperidol'],
  ['onc-hp-09', 'ramelteon', 'fluvoxamine'],
  ['onc-hp-10', 'rifampin', 'atazanavir'],
  ['onc-hp-11', 'simvastatin', 'clarithromycin'],
  ['onc-hp-12', 'ketoconazole', 'ergotamine'],
  ['onc-hp-13', 'tizanidine', 'ciprofloxacin'],
  ['onc-hp-14', 'tranylcypromine', 'procarbazine'],
  ['onc-hp-15', 'sumatriptan', 'phenelzine'],
];

/** Real combinations with no interaction, duplicate or allergy between them. */
const SAFE: Array<[string, string]> = [['pravastatin', 'clarithromycin'], ['lisinopril', 'amlodipine'], ['metformin', 'atorvastatin'], ['levothyroxine', 'omeprazole']];

let n = 0;
function medication(ingredient: string, patient: string, status: MedicationRequest['status'] = 'draft'): MedicationRequest {
  const code = codeOf(ingredient);
  return {
    resourceType: 'MedicationRequest',
    ...(status === 'draft' ? { id: `draft-${++n}` } : {}),
    status,
    intent: 'order',
    subject: { reference: `Patient/${patient}` },
    medicationCodeableConcept: code ? { coding: [{ system: RXNORM, code }], text: ingredient } : { text: ingredient },
  };
}

/** Two members of a side (the named one first), or the one it has. */
function twoOf(side: ReadonlySet<string>, named: string, other: ReadonlySet<string>): string[] {
  assert.ok(side.has(named), `${named} is a member of the knowledge's class`);
  const rest = [...side].filter((m) => m !== named && !other.has(m)).sort((x, y) => Number(codeOf(x) === undefined) - Number(codeOf(y) === undefined) || x.localeCompare(y));
  return [named, ...rest.slice(0, 1)];
}

describe('order checks through order-sign', () => {
  let server: TestServer;
  let clinic: Clinic;
  let token: string;
  let patient: string;
  const rules = shippedKnowledge().interactions.rules;

  before(async () => {
    server = await startTestServer();
    clinic = await buildClinic(server);
    token = await userToken(server, clinic, 'dr.okafor');
    patient = await save(server, { resourceType: 'Patient', name: [{ family: 'Matrix' }], birthDate: '1970-05-01' });
  });
  after(() => server.close());

  async function sign(patientId: string, drafts: Array<MedicationRequest | ServiceRequest>) {
    const res = await cds(server, 'POST', '/cds-services/continuum-order-sign', token, hookRequest('order-sign', { userId: `Practitioner/${clinic.practitioner}`, patientId, draftOrders: draftBundle(drafts) }));
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(validateAs('response', res.json), []);
    return res.json.cards as Array<{ indicator: string; summary: string; source: { topic: { code: string } }; links?: Array<{ url: string; label: string }> }>;
  }

  for (const [rule, namedA, namedB] of ONC) {
    it(`${rule}: ${namedA} with ${namedB} (and a second member a side) raises a critical card`, async () => {
      const r = rules.find((x) => x.id === rule);
      assert.ok(r, `${rule} is in the knowledge`);
      const [a, b] = r.sideA.has(namedA) ? [r.sideA, r.sideB] : [r.sideB, r.sideA];
      for (const x of twoOf(a, namedA, b)) {
        for (const y of twoOf(b, namedB, a)) {
          const cards = await sign(patient, [medication(x, patient), medication(y, patient)]);
          const hit = cards.filter((c) => c.source.topic.code === rule);
          assert.equal(hit.length, 1, `${x} + ${y}: ${JSON.stringify(cards.map((c) => c.source.topic.code))}`);
          assert.equal(hit[0]!.indicator, 'critical');
        }
      }
    });
  }

  it('reads the active orders from the record: each named pair with the second drug already prescribed', async () => {
    for (const [rule, a, b] of ONC) {
      const p = await save(server, { resourceType: 'Patient', name: [{ family: `Record ${rule}` }], birthDate: '1970-05-01' });
      await save(server, medication(b, p, 'active'));
      const cards = await sign(p, [medication(a, p)]);
      assert.ok(cards.some((c) => c.source.topic.code === rule && c.indicator === 'critical'), `${rule}: ${a} ordered with ${b} on record`);
    }
  });

  it('raises nothing for a safe set', async () => {
    for (const [x, y] of SAFE) {
      const cards = await sign(patient, [medication(x, patient), medication(y, patient)]);
      assert.deepEqual(cards.map((c) => c.summary), [], `${x} + ${y}`);
    }
  });

  it('allergy cross-sensitivity: a penicillin allergy flags amoxicillin', async () => {
    const p = await save(server, { resourceType: 'Patient', name: [{ family: 'Allergic' }], birthDate: '1970-05-01' });
    await save(server, allergy(p, 'Penicillin'));
    const cards = await sign(p, [medication('amoxicillin', p)]);
    const card = cards.find((c) => c.source.topic.code === 'allergy-class:penicillins');
    assert.ok(card, JSON.stringify(cards.map((c) => c.source.topic.code)));
    assert.equal(card.indicator, 'critical');
  });

  it('duplicate therapy: simvastatin ordered while atorvastatin is active', async () => {
    const p = await save(server, { resourceType: 'Patient', name: [{ family: 'Duplicate' }], birthDate: '1970-05-01' });
    await save(server, medication('atorvastatin', p, 'active'));
    const cards = await sign(p, [medication('simvastatin', p)]);
    const card = cards.find((c) => c.source.topic.code === 'duplicate-class:statins');
    assert.ok(card, JSON.stringify(cards.map((c) => c.source.topic.code)));
    assert.equal(card.indicator, 'warning');
  });

  it('duplicate lab: an HbA1c ordered a month after the last one warns and links to that result', async () => {
    const p = await save(server, { resourceType: 'Patient', name: [{ family: 'Labs' }], birthDate: '1970-05-01' });
    const earlier = await save(server, labResult(p, '4548-4', 'Hemoglobin A1c', 7.1, '%', new Date(Date.now() - 30 * 86_400_000).toISOString()));
    const cards = await sign(p, [labOrder(p, '4548-4', 'Hemoglobin A1c', { id: 'lab-draft' })]);
    const card = cards.find((c) => c.source.topic.code.startsWith('duplicate-lab'));
    assert.ok(card, JSON.stringify(cards.map((c) => c.source.topic.code)));
    assert.equal(card.indicator, 'warning');
    assert.equal(card.links?.[0]?.url, `${server.origin}/patients/${p}/results?focus=${encodeURIComponent(`Observation/${earlier}`)}`);
  });

  it('dose range: acetaminophen 1300 mg six times a day is above the single and the daily maximum', async () => {
    const draft: MedicationRequest = {
      ...medication('acetaminophen', patient),
      dosageInstruction: [{ timing: { repeat: { frequency: 1, period: 4, periodUnit: 'h' } }, doseAndRate: [{ doseQuantity: { value: 1300, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' } }] }],
    };
    const cards = await sign(patient, [draft]);
    const kinds = cards.filter((c) => c.indicator === 'critical').map((c) => c.source.topic.code);
    assert.ok(kinds.some((k) => /dose/.test(k)), JSON.stringify(cards.map((c) => [c.source.topic.code, c.summary])));
  });
});
