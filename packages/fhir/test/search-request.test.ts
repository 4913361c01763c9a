// Parsing search values: escapes. `\,`, `\$`, `\|` and `\\` are literal characters, and each
// separator splits only where it is not escaped, at its own level (OR, composite, system|code).
// Then `near` (Location): point, distance and units, its default distance, `_sort=near`, and 400s.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { careDateTypes, NEAR_DEFAULT_KM, OutcomeError, parseSearch, SearchParamRegistry, splitOr, type SearchRequest } from '../src/index.ts';

const r4 = SearchParamRegistry.r4();
const values = (req: SearchRequest): unknown[] => req.criteria.flatMap((c) => (c.kind === 'value' ? c.values : []));
const parse = (type: string, key: string, value: string) => values(parseSearch(type, [[key, value]], r4));

describe('escaped search values', () => {
  it('splits OR values on unescaped commas only', () => {
    assert.deepEqual(parse('Patient', 'name', 'a\\,b,c'), [{ kind: 'string', value: 'a,b' }, { kind: 'string', value: 'c' }]);
    assert.deepEqual(splitOr('x\\,y,z'), ['x,y', 'z']);
  });

  it('keeps an escaped bar inside a token code, and splits system|code on the first unescaped one', () => {
    assert.deepEqual(parse('Patient', 'identifier', 'http://x.org/mrn|a\\|b'), [{ kind: 'token', system: 'http://x.org/mrn', code: 'a|b' }]);
    assert.deepEqual(parse('Patient', 'identifier', 'a\\|b'), [{ kind: 'token', code: 'a|b' }]);
    assert.deepEqual(parse('Patient', 'identifier', '|x'), [{ kind: 'token', system: null, code: 'x' }]);
    assert.deepEqual(parse('Patient', 'identifier', 'http://x.org/mrn|'), [{ kind: 'token', system: 'http://x.org/mrn' }]);
  });

  it('splits composites on unescaped dollars only, after the OR split', () => {
    const parsed = parse('Observation', 'code-value-string', 'http://loinc.org|8480-6$a\\$b\\,c,9999-9$d');
    assert.deepEqual(parsed, [
      { kind: 'composite', parts: [{ kind: 'token', system: 'http://loinc.org', code: '8480-6' }, { kind: 'string', value: 'a$b,c' }] },
      { kind: 'composite', parts: [{ kind: 'token', code: '9999-9' }, { kind: 'string', value: 'd' }] },
    ]);
  });

  it('reads a backslash escaped by a backslash as one backslash', () => {
    assert.deepEqual(parse('Patient', 'name', 'a\\\\,b'), [{ kind: 'string', value: 'a\\' }, { kind: 'string', value: 'b' }]);
  });

  it('keeps escapes in quantity units and _id tokens', () => {
    assert.deepEqual(parse('Observation', 'value-quantity', 'gt5|http://unitsofmeasure.org|mm\\|Hg'), [
      { kind: 'quantity', prefix: 'gt', value: 5, low: 4.5, high: 5.5, system: 'http://unitsofmeasure.org', code: 'mm|Hg' },
    ]);
    assert.deepEqual(parse('Patient', '_id', 'a,|b'), [{ kind: 'token', code: 'a' }, { kind: 'token', system: null, code: 'b' }]);
  });
});

describe('near', () => {
  const near = (value: string) => parse('Location', 'near', value);

  it('reads latitude|longitude|distance|units into a point and a distance in km', () => {
    assert.deepEqual(near('48.8566|2.3522|20|km'), [{ kind: 'near', latitude: 48.8566, longitude: 2.3522, distanceKm: 20 }]);
    assert.deepEqual(near('-33.9|151.2|500|m'), [{ kind: 'near', latitude: -33.9, longitude: 151.2, distanceKm: 0.5 }]);
    assert.deepEqual(near('0|0|10|[mi_i]'), [{ kind: 'near', latitude: 0, longitude: 0, distanceKm: 16.09344 }]);
    assert.deepEqual(near('0|0|10|mi'), [{ kind: 'near', latitude: 0, longitude: 0, distanceKm: 16.09344 }]);
    assert.deepEqual(near('0|0|2|http://unitsofmeasure.org|km'), [{ kind: 'near', latitude: 0, longitude: 0, distanceKm: 2 }]);
    assert.deepEqual(near('0|0|3'), [{ kind: 'near', latitude: 0, longitude: 0, distanceKm: 3 }], 'km when no unit is given');
  });

  it(`searches within ${NEAR_DEFAULT_KM} km when no distance is given, and ORs comma-separated points`, () => {
    assert.deepEqual(near('10|20'), [{ kind: 'near', latitude: 10, longitude: 20, distanceKm: NEAR_DEFAULT_KM }]);
    assert.deepEqual(near('10|20||m'), [{ kind: 'near', latitude: 10, longitude: 20, distanceKm: NEAR_DEFAULT_KM }]);
    assert.equal(near('1|2|3,4|5|6').length, 2);
  });

  it('accepts :missing and no other modifier', () => {
    assert.deepEqual(values(parseSearch('Location', [['near:missing', 'true']], r4)), [{ kind: 'missing', missing: true }]);
    assert.throws(() => parseSearch('Location', [['near:exact', '1|2']], r4), OutcomeError);
  });

  it('refuses malformed values with a 400', () => {
    for (const bad of ['', '10', 'x|2', '91|0', '0|181', '0|0|-1', '0|0|1|parsec', '0|0|1|toString', '0|0|1|http://x|km', '1e400|0', '0|0|1e400']) {
      assert.throws(() => near(bad), (err: unknown) => err instanceof OutcomeError && err.status === 400, `near=${bad}`);
    }
  });

  it('sorts by distance from the searched points, and refuses _sort=near without a near search', () => {
    const req = parseSearch('Location', [['_sort', '-near'], ['near', '1|2|3,4|5']], r4);
    assert.deepEqual(req.sort.map((k) => [k.code, k.descending, k.points]), [['near', true, [{ latitude: 1, longitude: 2 }, { latitude: 4, longitude: 5 }]]]);
    assert.throws(() => parseSearch('Location', [['_sort', 'near']], r4), (err: unknown) => err instanceof OutcomeError && err.status === 400);
  });
});

describe('care dates', () => {
  it("are R4's clinical-date types, and a custom 'date' drops its type", () => {
    const types = careDateTypes(r4);
    for (const t of ['Encounter', 'Observation', 'Procedure', 'Immunization', 'AllergyIntolerance', 'DiagnosticReport']) assert.ok(types.includes(t), t);
    for (const t of ['Patient', 'Condition', 'MedicationRequest']) assert.ok(!types.includes(t), t);
    const custom = r4.withCustom([{ resourceType: 'SearchParameter', url: 'http://example.org/sp/obs-date', name: 'd', status: 'active', description: 'd', code: 'date', base: ['Observation'], type: 'date', expression: 'Observation.issued' }]);
    assert.ok(!careDateTypes(custom).includes('Observation'), 'a custom date is not a care date');
    assert.ok(careDateTypes(custom).includes('Encounter'));
  });
});
