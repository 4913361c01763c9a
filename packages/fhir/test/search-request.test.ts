// Parsing search values: escapes. `\,`, `\$`, `\|` and `\\` are literal characters, and each
// separator splits only where it is not escaped, at its own level (OR, composite, system|code).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSearch, SearchParamRegistry, splitOr, type SearchRequest } from '../src/index.ts';

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
