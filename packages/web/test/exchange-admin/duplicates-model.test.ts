/** The duplicates screen's view model: pairs from each shape of `$duplicates`, the differing lines, merge preview counts (pure). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Patient } from '@medplum/fhirtypes';
import { duplicatePairs, MATCH_GRADE_EXT, pairView, patientSide, previewCounts, previewTotal, referencedPatients, scoreText } from '../../src/exchange/admin/duplicates-model.ts';

const ann: Patient = {
  resourceType: 'Patient',
  id: 'p1',
  name: [{ given: ['Ann'], family: 'Lee' }],
  birthDate: '1980-03-04',
  gender: 'female',
  address: [{ use: 'home', line: ['1 Main St'], city: 'Springfield', state: 'IL', postalCode: '62701' }],
  identifier: [{ type: { coding: [{ code: 'MR' }] }, system: 'urn:mrn', value: 'M1' }],
};
const anne: Patient = { ...ann, id: 'p2', name: [{ given: ['Anne'], family: 'Lee' }], identifier: [{ type: { coding: [{ code: 'MR' }] }, system: 'urn:mrn', value: 'M2' }] };
const bob: Patient = { resourceType: 'Patient', id: 'p3', name: [{ given: ['Bob'], family: 'Ray' }], gender: 'male' };

describe('pairs of possible duplicates', () => {
  it('compares two patients line by line and marks what differs', () => {
    const pair = pairView(ann, anne, 0.93, 'probable');
    assert.equal(pair.a.name, 'Ann Lee');
    assert.equal(pair.a.address, '1 Main St, Springfield, IL 62701');
    assert.deepEqual(pair.a.identifiers, ['MR: M1']);
    assert.deepEqual([...pair.differs].sort(), ['identifiers', 'name']);
    assert.equal(pair.key, pairView(anne, ann, 0.93, 'probable').key, 'a pair is the same either way round');
    assert.equal(scoreText(pair.score), '93%');
  });

  it('reads Parameters pairs with included or referenced patients, best first, each pair once', () => {
    const answer = {
      resourceType: 'Parameters' as const,
      parameter: [
        { name: 'pair', part: [{ name: 'a', valueReference: { reference: 'Patient/p1' } }, { name: 'b', valueReference: { reference: 'Patient/p3' } }, { name: 'score', valueDecimal: 0.81 }, { name: 'grade', valueCode: 'possible' }] },
        { name: 'pair', part: [{ name: 'a', resource: ann }, { name: 'b', resource: anne }, { name: 'score', valueDecimal: 0.95 }, { name: 'grade', valueCode: 'certain' }] },
        { name: 'pair', part: [{ name: 'a', resource: anne }, { name: 'b', resource: ann }, { name: 'score', valueDecimal: 0.95 }] },
        { name: 'pair', part: [{ name: 'a', valueReference: { reference: 'Patient/gone' } }, { name: 'b', resource: ann }] },
      ],
    };
    assert.deepEqual(referencedPatients(answer).sort(), ['Patient/gone', 'Patient/p1', 'Patient/p3']);
    const known = new Map([['Patient/p1', ann], ['Patient/p3', bob]]);
    const pairs = duplicatePairs(answer, (r) => known.get(r));
    assert.deepEqual(pairs.map((p) => [p.a.id, p.b.id, p.grade]), [['p1', 'p2', 'certain'], ['p1', 'p3', 'possible']]);
  });

  it('reads a Bundle of Patients two by two with their score and match grade', () => {
    const pairs = duplicatePairs({
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { resource: ann, search: { score: 0.9 } },
        { resource: anne, search: { score: 0.9, extension: [{ url: MATCH_GRADE_EXT, valueCode: 'probable' }] } },
      ],
    });
    assert.equal(pairs.length, 1);
    assert.equal(pairs[0]!.grade, 'probable');
    assert.equal(pairs[0]!.score, 0.9);
  });

  it('knows a merged patient by its links', () => {
    const merged = patientSide({ ...anne, active: false, link: [{ type: 'replaced-by', other: { reference: 'Patient/p1' } }] });
    assert.equal(merged.replacedBy, 'p1');
    assert.equal(merged.active, false);
    assert.deepEqual(patientSide({ ...ann, link: [{ type: 'replaces', other: { reference: 'Patient/p2' } }] }).replaces, ['p2']);
  });
});

describe('merge preview', () => {
  it('counts what moves, from typed parts, integer parameters or listed references', () => {
    const counts = previewCounts({
      resourceType: 'Parameters',
      parameter: [
        { name: 'moved', part: [{ name: 'type', valueString: 'Observation' }, { name: 'count', valueInteger: 12 }] },
        { name: 'Encounter', valueInteger: 3 },
        { name: 'moved', valueReference: { reference: 'Condition/c1' } },
        { name: 'moved', valueReference: { reference: 'Condition/c2' } },
        { name: 'preview', valueBoolean: true },
      ],
    });
    assert.deepEqual(counts, [
      { label: 'Observation', count: 12 },
      { label: 'Encounter', count: 3 },
      { label: 'Condition', count: 2 },
    ]);
    assert.equal(previewTotal({ resourceType: 'Parameters' }, counts), 17);
    assert.equal(previewTotal({ resourceType: 'Parameters', parameter: [{ name: 'total', valueInteger: 20 }] }, counts), 20);
    // The merge part's shape: `moved` (count) and one `resource` reference per moved resource.
    const merge = { resourceType: 'Parameters' as const, parameter: [{ name: 'moved', valueInteger: 3 }, { name: 'resource', valueReference: { reference: 'Observation/o1' } }, { name: 'resource', valueReference: { reference: 'Observation/o2' } }, { name: 'resource', valueReference: { reference: 'Encounter/e1' } }, { name: 'preview', valueBoolean: true }] };
    assert.deepEqual(previewCounts(merge), [{ label: 'Observation', count: 2 }, { label: 'Encounter', count: 1 }]);
    assert.equal(previewTotal(merge, previewCounts(merge)), 3);
  });
});
