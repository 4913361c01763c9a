/**
 * The record follows the patient, in Chromium, between two real Continuum servers (two
 * databases, each with a small demo clinic): Riverside Primary Care (A) and Hillside Cardiology
 * (B), made partners with `$add-partner` on both sides. At A the demo patient chooses, in the
 * portal's "Who has my record", to share with Hillside. At B a physician opens the chart of the
 * same person (registered at B with A's demographics and a lisinopril of their own), finds them
 * at Riverside (`$external-match`: the grade and score the server sent), reads the remote record
 * (every item badged "External: Riverside Primary Care"), follows it (a Subscription appears at
 * A), and reconciles: the incoming lisinopril is flagged a duplicate of the local one and merged,
 * the penicillin allergy accepted (a local copy tagged external with a Provenance naming
 * Riverside, shown "Imported from Riverside Primary Care" in the Allergies tab). Back at A the
 * patient sees Hillside among those who have the record and withdraws sharing (after a
 * confirmation); B's next search finds nothing there.
 *
 * This test needs the exchange operations of the other parts (partners, mpi, consent/retrieve,
 * subscriptions): it fails on a branch without them, by design, and passes once they are merged.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AllergyIntolerance, Bundle, MedicationStatement, Parameters, Patient, Provenance, Subscription } from '@medplum/fhirtypes';
import type { BrowserContext, Page } from 'playwright-core';
import { clientCredentialsToken, TEST_CLIENT } from '../../../server/test/fixtures/server.ts';
import { EXTERNAL_TAG, MATCH_GRADE_EXT, TOPICS } from '../../src/exchange/external/codes.ts';
import { GRADE_LABELS, scoreText, type MatchGrade } from '../../src/exchange/external/match-model.ts';
import { noChromium, SCREENS, signIn, startWorkspace, type Workspace } from '../e2e/workspace-fixture.ts';
import { DESKTOP, open, signInPortal, tokenOf } from '../portal/portal-fixture.ts';

const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const LISINOPRIL = { system: RXNORM, code: '314076', display: 'lisinopril 10 MG Oral Tablet' };
const PENICILLIN = { system: RXNORM, code: '7980', display: 'Penicillin G' };
const RIVERSIDE = 'Riverside Primary Care';
const HILLSIDE = 'Hillside Cardiology';

interface Side {
  ws: Workspace;
  token: string;
  call: <T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, bearer?: string) => Promise<{ status: number; body: T }>;
}

async function side(ws: Workspace): Promise<Side> {
  const token = await clientCredentialsToken(ws.origin, TEST_CLIENT);
  const call = async <T,>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, bearer = token) => {
    const res = await fetch(`${ws.origin}/fhir/${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, accept: 'application/fhir+json', 'content-type': 'application/fhir+json', prefer: 'return=representation' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  return { ws, token, call };
}

const params = (parameter: Parameters['parameter']): Parameters => ({ resourceType: 'Parameters', parameter });
const tagged = (r: { meta?: { tag?: { system?: string; code?: string }[] } }) => (r.meta?.tag ?? []).some((t) => t.system === EXTERNAL_TAG.system && t.code === EXTERNAL_TAG.code);

describe('the record follows the patient between two organizations', { skip: noChromium }, () => {
  let a: Side;
  let b: Side;
  const contexts: BrowserContext[] = [];

  before(async () => {
    // Opt-in at A: nothing leaves until the patient says so. Both servers are on loopback: they
    // may fetch each other's keys there (CONTINUUM_EXCHANGE_PRIVATE_NETWORK).
    const [wa, wb] = await Promise.all([startWorkspace(4, { CONTINUUM_EXCHANGE_CONSENT: 'opt-in', CONTINUUM_EXCHANGE_PRIVATE_NETWORK: '1' }), startWorkspace(4, { CONTINUUM_EXCHANGE_PRIVATE_NETWORK: '1' })]);
    [a, b] = await Promise.all([side(wa), side(wb)]);
    const partner = (s: Side, name: string, other: Side, inbound: string, outbound: string) =>
      s.call<Parameters>('POST', 'Organization/$add-partner', params([
        { name: 'name', valueString: name },
        { name: 'fhirBase', valueString: `${other.ws.origin}/fhir` },
        { name: 'partnerClientId', valueString: inbound },
        { name: 'ourClientId', valueString: outbound },
      ]));
    const atB = await partner(b, RIVERSIDE, a, 'riverside-at-hillside', 'hillside-at-riverside');
    const atA = await partner(a, HILLSIDE, b, 'hillside-at-riverside', 'riverside-at-hillside');
    assert.equal(atB.status, 201, JSON.stringify(atB.body));
    assert.equal(atA.status, 201, JSON.stringify(atA.body));
  });
  after(async () => {
    for (const c of contexts) await c.close();
    await Promise.all([a?.ws.close(), b?.ws.close()]);
  });

  async function page(ws: Workspace): Promise<Page> {
    const context = await ws.browser.newContext({ viewport: DESKTOP, reducedMotion: 'reduce' });
    context.setDefaultTimeout(60_000);
    contexts.push(context);
    return context.newPage();
  }

  it('shares, matches, reads, follows, reconciles, and stops at the withdrawal', async (t) => {
    // The patient at A signs in to the portal: their record, their token.
    const portal = await page(a.ws);
    const portalToken = tokenOf(portal);
    const selfRead = portal.waitForRequest((r) => /\/fhir\/Patient\/[^/?$]+$/.test(new URL(r.url()).pathname));
    await signInPortal(portal, a.ws.origin, 'demo.patient1');
    const aPatientId = new URL((await selfRead).url()).pathname.split('/').pop()!;
    const patientBearer = await portalToken;
    const aPatient = await a.ws.read<Patient>(`Patient/${aPatientId}`);
    const subject = { reference: `Patient/${aPatientId}` };
    assert.equal((await a.call('POST', 'AllergyIntolerance', { resourceType: 'AllergyIntolerance', patient: subject, code: { coding: [PENICILLIN] }, clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] }, recordedDate: '2024-05-01' })).status, 201);
    assert.equal((await a.call('POST', 'MedicationStatement', { resourceType: 'MedicationStatement', status: 'active', subject, medicationCodeableConcept: { coding: [LISINOPRIL] }, effectivePeriod: { start: '2024-05-01' }, dosage: [{ text: '1 tablet daily' }] })).status, 201);

    // The same person at B, with the same lisinopril recorded there.
    const { id: _id, meta: _meta, ...demographics } = aPatient;
    const bPatient = (await b.call<Patient>('POST', 'Patient', { ...demographics, resourceType: 'Patient' })).body;
    const bSubject = { reference: `Patient/${bPatient.id}` };
    const localMed = (await b.call<MedicationStatement>('POST', 'MedicationStatement', { resourceType: 'MedicationStatement', status: 'active', subject: bSubject, medicationCodeableConcept: { coding: [LISINOPRIL] }, effectivePeriod: { start: '2024-06-01' }, dosage: [{ text: '1 tablet daily' }] })).body;

    await t.test('the patient at A chooses to share with Hillside', async () => {
      await open(portal, 'Who has my record');
      const row = portal.getByRole('radiogroup', { name: HILLSIDE });
      await row.waitFor();
      await row.getByRole('radio', { name: 'Share', exact: true }).check();
      await portal.getByRole('button', { name: 'Save my choices' }).click();
      await portal.getByText('Your choices are saved.').waitFor();
      const consent = await a.call<Parameters>('GET', `Patient/${aPatientId}/$exchange-consent`, undefined, patientBearer);
      const hillside = consent.body.parameter?.find((p) => p.part?.find((x) => x.name === 'organization')?.valueReference?.display === HILLSIDE);
      assert.equal(hillside?.part?.find((x) => x.name === 'decision')?.valueCode, 'permit');
    });

    const chart = await page(b.ws);
    await chart.goto(`${b.ws.origin}/patients/${bPatient.id}/external`);
    await signIn(chart);
    await chart.getByRole('heading', { name: 'Records at other organizations' }).waitFor();

    await t.test('B finds the patient at Riverside with the grade and score the server sent', async () => {
      const answered = chart.waitForResponse((r) => new URL(r.url()).pathname.endsWith('/$external-match'));
      await chart.getByRole('button', { name: 'Find at partner organizations' }).click();
      const bundle = (await (await answered).json()) as Bundle<Patient>;
      const entry = bundle.entry?.find((e) => e.resource?.resourceType === 'Patient');
      assert.ok(entry, 'Riverside answered a candidate');
      const grade = entry.search?.extension?.find((x) => x.url === MATCH_GRADE_EXT)?.valueCode as MatchGrade;
      const row = chart.getByRole('table', { name: 'Matches at partner organizations' }).getByRole('row').filter({ hasText: RIVERSIDE });
      await row.waitFor();
      const text = (await row.textContent()) ?? '';
      assert.ok(text.includes(GRADE_LABELS[grade]) && text.includes(scoreText(entry.search?.score)), text);
      await chart.screenshot({ path: `${SCREENS}exchange-flow-matches.png` });
    });

    await t.test('the remote record shows every item as external from Riverside', async () => {
      await chart.getByRole('button', { name: `Open record at ${RIVERSIDE}` }).click();
      const meds = chart.getByRole('region', { name: /^Medications \(/ });
      await meds.getByText(LISINOPRIL.display).first().waitFor();
      await chart.getByRole('region', { name: /^Allergies \(/ }).getByText(PENICILLIN.display).waitFor();
      const items = chart.locator('[data-item]');
      const badges = chart.locator('[data-item] [data-external]');
      assert.ok((await items.count()) >= 2);
      assert.equal(await badges.count(), await items.count(), 'every item has its badge');
      for (const text of await badges.allTextContents()) assert.match(text, new RegExp(`^External: ${RIVERSIDE}`));
      await chart.screenshot({ path: `${SCREENS}exchange-flow-record.png`, fullPage: true });
    });

    await t.test('B follows the record at Riverside for new results and admissions', async () => {
      await chart.getByRole('button', { name: 'Follow for new results and admissions' }).click();
      const dialog = chart.getByRole('dialog', { name: `Follow the record at ${RIVERSIDE}` });
      await dialog.getByRole('button', { name: 'Follow', exact: true }).click();
      await dialog.getByText('Following', { exact: true }).waitFor();
      await dialog.getByRole('button', { name: 'Done' }).click();
      const subscriptions = await a.ws.api<Subscription>('Subscription?_count=50');
      assert.ok(subscriptions.some((s) => s.criteria.startsWith(TOPICS.newResult)), 'Riverside holds the subscription for new results');
    });

    await t.test('B reconciles: the duplicate lisinopril merged, the penicillin allergy accepted', async () => {
      await chart.getByRole('button', { name: 'Reconcile' }).click();
      const meds = chart.getByRole('region', { name: 'Medications' });
      // The demo record at A may hold lisinopril of its own: the one flagged a duplicate is ours.
      const incoming = meds.locator('[data-incoming][data-match="duplicate"]').filter({ hasText: LISINOPRIL.display }).first();
      await incoming.waitFor();
      await meds.locator(`[data-local]`).filter({ hasText: /Matches incoming/ }).waitFor();
      await incoming.getByRole('radio', { name: 'Merge into…' }).check();
      assert.equal(await incoming.getByLabel(`Merge ${LISINOPRIL.display} into`).inputValue(), `MedicationStatement/${localMed.id}`);
      const allergy = chart.getByRole('region', { name: 'Allergies' }).locator('[data-incoming]').filter({ hasText: PENICILLIN.display }).first();
      await allergy.getByRole('radio', { name: 'Accept' }).check();
      await chart.screenshot({ path: `${SCREENS}exchange-flow-reconcile.png`, fullPage: true });
      await chart.getByRole('button', { name: 'Apply decisions' }).click();
      await chart.getByText('Decisions applied').waitFor();

      const allergies = await b.ws.api<AllergyIntolerance>(`AllergyIntolerance?patient=${bPatient.id}`);
      const copy = allergies.find((x) => x.code?.coding?.some((c) => c.code === PENICILLIN.code));
      assert.ok(copy && tagged(copy), 'a local copy, tagged external');
      const provenance = await b.ws.api<Provenance>(`Provenance?target=AllergyIntolerance/${copy.id}`);
      assert.ok(provenance.some((p) => p.agent.some((ag) => ag.who?.display === RIVERSIDE)), 'its Provenance names Riverside');

      await chart.getByRole('tab', { name: 'Allergies' }).click();
      await chart.getByRole('table', { name: 'Allergies and intolerances' }).getByRole('row').filter({ hasText: PENICILLIN.display }).getByText(`Imported from ${RIVERSIDE}`).waitFor();
      await chart.screenshot({ path: `${SCREENS}exchange-flow-imported.png` });
    });

    await t.test('the patient sees Hillside among those who have the record, and withdraws', async () => {
      await portal.reload();
      await portal.getByRole('heading', { name: 'Who has my record', level: 1 }).waitFor();
      await portal.locator(`[data-holder="${HILLSIDE}"]`).waitFor();
      await portal.getByRole('radiogroup', { name: HILLSIDE }).getByRole('radio', { name: "Don't share" }).check();
      await portal.getByRole('button', { name: 'Save my choices' }).click();
      const confirm = portal.getByRole('dialog', { name: `Stop sharing with ${HILLSIDE}?` });
      await confirm.waitFor();
      await portal.screenshot({ path: `${SCREENS}exchange-flow-withdraw.png` });
      await confirm.getByRole('button', { name: 'Stop sharing' }).click();
      await portal.getByText('Your choices are saved.').waitFor();
      const consent = await a.call<Parameters>('GET', `Patient/${aPatientId}/$exchange-consent`, undefined, patientBearer);
      const hillside = consent.body.parameter?.find((p) => p.part?.find((x) => x.name === 'organization')?.valueReference?.display === HILLSIDE);
      assert.equal(hillside?.part?.find((x) => x.name === 'decision')?.valueCode, 'deny');
    });

    await t.test("B's next search finds nothing at Riverside", async () => {
      await chart.getByRole('tab', { name: 'Other organizations' }).click();
      await chart.getByRole('button', { name: 'Find at partner organizations' }).click();
      await chart.getByText('No partner organization has a record that matches this patient.').waitFor();
    });
  });
});
