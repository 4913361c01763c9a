/**
 * Reconciliation's view model: the preview's items read and placed beside the local lists (entries
 * in error left out), local entries matched by incoming ones, decisions (merge needs its target),
 * items decided earlier never sent again, and the `$import-external` parameters they make.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AllergyIntolerance, Condition, MedicationStatement, Parameters, ParametersParameter, Resource } from '@medplum/fhirtypes';
import { decide, decisionErrors, importParameters, matchedLocal, pendingCount, readImport, readPreview, reconcileLists, suggestion, type Decisions } from '../../src/exchange/external/reconcile-model.ts';
import { external } from './fixtures.ts';

const item = (list: string, incoming: Resource, extra: ParametersParameter[] = []): ParametersParameter => ({ name: 'item', part: [{ name: 'list', valueCode: list }, { name: 'incoming', resource: incoming }, ...extra] });

const lisinoprilThere = external<MedicationStatement>({ resourceType: 'MedicationStatement', id: 'm1', status: 'active', subject: {}, medicationCodeableConcept: { text: 'Lisinopril 10 mg' } });
const metforminThere = external<MedicationStatement>({ resourceType: 'MedicationStatement', id: 'm2', status: 'active', subject: {}, medicationCodeableConcept: { text: 'Metformin 500 mg' } });
const peanutThere = external<AllergyIntolerance>({ resourceType: 'AllergyIntolerance', id: 'a1', patient: {}, code: { text: 'Peanut' } });
const asthmaThere = external<Condition>({ resourceType: 'Condition', id: 'c1', subject: {}, code: { text: 'Asthma' } });

const preview: Parameters = {
  resourceType: 'Parameters',
  parameter: [
    item('medications', lisinoprilThere, [{ name: 'local', valueReference: { reference: 'MedicationStatement/L1' } }, { name: 'match', valueCode: 'duplicate' }, { name: 'reason', valueString: 'Same RxNorm ingredient (lisinopril), both active' }]),
    item('medications', metforminThere, [{ name: 'match', valueCode: 'new' }]),
    item('allergies', peanutThere, [{ name: 'local', valueReference: { reference: 'AllergyIntolerance/L2' } }, { name: 'match', valueCode: 'possible' }, { name: 'reason', valueString: 'Same text, no code' }]),
    item('problems', asthmaThere, [{ name: 'match', valueCode: 'new' }, { name: 'decided', valueCode: 'accepted' }]),
    { name: 'item', part: [{ name: 'list', valueCode: 'problems' }, { name: 'incoming', valueResource: asthmaThere } as ParametersParameter] },
    { name: 'item', part: [{ name: 'list', valueCode: 'vitals' }, { name: 'incoming', resource: asthmaThere }] },
    { name: 'item', part: [{ name: 'list', valueCode: 'problems' }] },
    { name: 'note', valueString: 'not an item' },
  ],
};

const local: Resource[] = [
  { resourceType: 'MedicationStatement', id: 'L1', status: 'active', subject: {}, medicationCodeableConcept: { text: 'Lisinopril 10 mg tablet' } },
  { resourceType: 'MedicationStatement', id: 'L9', status: 'entered-in-error', subject: {}, medicationCodeableConcept: { text: 'Mistake' } },
  { resourceType: 'AllergyIntolerance', id: 'L2', patient: {}, code: { text: 'Peanuts' } },
  { resourceType: 'AllergyIntolerance', id: 'L3', patient: {}, code: { text: 'Latex' }, verificationStatus: { coding: [{ code: 'entered-in-error' }] } },
  { resourceType: 'Condition', id: 'L4', subject: {}, code: { text: 'Hypertension' } },
];

describe('reconciliation view model', () => {
  const incoming = readPreview(preview);

  it('reads the well-formed items with their match, reason, local item and earlier decision', () => {
    assert.deepEqual(incoming.map((x) => [x.list, x.title, x.match, x.local, x.decided]), [
      ['medications', 'Lisinopril 10 mg', 'duplicate', 'MedicationStatement/L1', undefined],
      ['medications', 'Metformin 500 mg', 'new', undefined, undefined],
      ['allergies', 'Peanut', 'possible', 'AllergyIntolerance/L2', undefined],
      ['problems', 'Asthma', 'new', undefined, 'accepted'],
      ['problems', 'Asthma', 'new', undefined, undefined],
    ]);
    assert.equal(incoming[0]!.reason, 'Same RxNorm ingredient (lisinopril), both active');
    assert.equal(new Set(incoming.map((x) => x.key)).size, 5, 'keys are unique, the same resource twice included');
  });

  it('places local and incoming side by side per list, entries in error left out', () => {
    const lists = reconcileLists(local, incoming);
    assert.deepEqual(lists.map((l) => [l.key, l.local.map((x) => x.ref), l.incoming.length]), [
      ['medications', ['MedicationStatement/L1'], 2],
      ['allergies', ['AllergyIntolerance/L2'], 1],
      ['problems', ['Condition/L4'], 2],
    ]);
    const matched = matchedLocal(lists[1]!);
    assert.deepEqual([...matched.keys()], ['AllergyIntolerance/L2']);
  });

  it('suggests merging a duplicate into its local item, and nothing for the rest', () => {
    assert.deepEqual(suggestion(incoming[0]!), { action: 'merge', target: 'MedicationStatement/L1' });
    assert.equal(suggestion(incoming[1]!), undefined);
    assert.equal(suggestion(incoming[3]!), undefined, 'decided before');
  });

  it('refuses a merge without its local item', () => {
    let decisions: Decisions = {};
    decisions = decide(decisions, incoming[0]!.key, { action: 'merge' });
    decisions = decide(decisions, incoming[1]!.key, { action: 'accept' });
    assert.deepEqual(decisionErrors(incoming, decisions), { [incoming[0]!.key]: 'Pick the local item to merge into' });
    decisions = decide(decisions, incoming[0]!.key, { action: 'merge', target: 'MedicationStatement/L1' });
    assert.deepEqual(decisionErrors(incoming, decisions), {});
    assert.deepEqual(decide(decisions, incoming[1]!.key, undefined)[incoming[1]!.key], undefined, 'a decision can be taken back');
  });

  it('makes the import parameters of the decided items only, never those decided before', () => {
    let decisions: Decisions = {};
    decisions = decide(decisions, incoming[0]!.key, { action: 'merge', target: 'MedicationStatement/L1' });
    decisions = decide(decisions, incoming[1]!.key, { action: 'accept' });
    decisions = decide(decisions, incoming[2]!.key, { action: 'reject' });
    decisions = decide(decisions, incoming[3]!.key, { action: 'accept' });
    assert.equal(pendingCount(incoming, decisions), 3);
    const params = importParameters('Organization/org-a', incoming, decisions);
    assert.deepEqual(params[0], { name: 'partner', valueReference: { reference: 'Organization/org-a' } });
    const items = params.slice(1).map((p) => Object.fromEntries((p.part ?? []).map((x) => [x.name, x.valueCode ?? x.valueReference?.reference ?? (x.resource as { id?: string }).id])));
    assert.deepEqual(items, [
      { resource: 'm1', action: 'merge', target: 'MedicationStatement/L1' },
      { resource: 'm2', action: 'accept' },
      { resource: 'a1', action: 'reject' },
    ]);
  });

  it('reads what the import created and updated', () => {
    const result: Parameters = { resourceType: 'Parameters', parameter: [{ name: 'created', valueReference: { reference: 'MedicationStatement/n1' } }, { name: 'updated', valueReference: { reference: 'MedicationStatement/L1' } }, { name: 'created', valueReference: {} }, { name: 'rejected', valueString: 'https://riverside.example/fhir/AllergyIntolerance/a1' }] };
    assert.deepEqual(readImport(result), { created: ['MedicationStatement/n1'], updated: ['MedicationStatement/L1'], rejected: 1 });
    assert.deepEqual(readImport(undefined), { created: [], updated: [], rejected: 0 });
  });
});
