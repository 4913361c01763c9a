/**
 * Access suite, SMART scope parsing: v1 and v2 suffixes, granular filters, the non-resource
 * scopes, and everything the grammar rejects. Expected values follow SMART App Launch 2.0
 * ("Scopes and Launch Context"), written out by hand.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSmartScope, parseScopes, type Permission, type ScopeRule } from '../../src/access/scopes.ts';

const LAB = 'http://terminology.hl7.org/CodeSystem/observation-category|laboratory';

/** A rule as plain data, so that deepEqual shows readable diffs. */
function plain(rule: ScopeRule | undefined) {
  assert.ok(rule, 'expected a rule');
  return {
    context: rule.context,
    resourceType: rule.resourceType,
    permissions: [...rule.permissions].sort().join(''),
    filter: rule.filter.map(([k, v]) => [k, v]),
    source: rule.source,
  };
}

const only = (scope: string) => {
  const parsed = parseScopes(scope);
  assert.deepEqual(parsed.invalid, [], `${scope} should be valid`);
  assert.equal(parsed.rules.length, 1);
  return plain(parsed.rules[0]);
};

/** Sorted letters, to compare permission sets independent of order. */
const letters = (s: string) => [...s].sort().join('');

describe('v1 scopes', () => {
  it('reads .read as rs, .write as cud and .* as cruds', () => {
    assert.deepEqual(only('patient/Observation.read'), {
      context: 'patient',
      resourceType: 'Observation',
      permissions: letters('rs'),
      filter: [],
      source: 'patient/Observation.read',
    });
    assert.equal(only('user/Patient.write').permissions, letters('cud'));
    assert.equal(only('system/*.*').permissions, letters('cruds'));
    assert.equal(only('system/*.*').resourceType, '*');
    assert.equal(only('user/*.read').context, 'user');
  });

  it('rejects a filter on a v1 suffix and other spellings of read', () => {
    for (const s of ['patient/Observation.read?category=laboratory', 'patient/Observation.READ', 'patient/Observation.Read', 'patient/Observation.writes', 'patient/Observation.**']) {
      assert.equal(isSmartScope(s), false, s);
    }
  });
});

describe('v2 scopes', () => {
  it('accepts exactly the non-empty in-order subsets of cruds, with no repeats', () => {
    const order = 'cruds';
    const all: string[] = [];
    const grow = (prefix: string) => {
      if (prefix.length > 0) all.push(prefix);
      if (prefix.length < 6) for (const ch of order) grow(prefix + ch);
    };
    grow('');
    assert.equal(all.length, 5 + 25 + 125 + 625 + 3125 + 15625);
    let valid = 0;
    for (const suffix of all) {
      const indices = [...suffix].map((ch) => order.indexOf(ch));
      const expected = indices.every((ix, i) => i === 0 || ix > (indices[i - 1] ?? -1));
      const parsed = parseScopes(`patient/Observation.${suffix}`);
      if (expected) {
        valid++;
        assert.equal(parsed.rules.length, 1, suffix);
        assert.deepEqual([...(parsed.rules[0]?.permissions ?? [])].sort(), [...suffix].sort(), suffix);
      } else {
        assert.deepEqual(parsed.invalid, [`patient/Observation.${suffix}`], suffix);
      }
    }
    assert.equal(valid, 31, '2^5 - 1 subsets');
  });

  it('parses the common forms', () => {
    assert.deepEqual(only('patient/*.rs'), { context: 'patient', resourceType: '*', permissions: letters('rs'), filter: [], source: 'patient/*.rs' });
    assert.equal(only('system/*.cruds').permissions, letters('cruds'));
    assert.equal(only('user/Observation.cu').permissions, letters('cu'));
    assert.equal(only('user/Observation.s').permissions, 's');
  });

  it('keeps granular filters, with and without a system', () => {
    const scope = `user/Observation.rs?category=${LAB}`;
    assert.deepEqual(only(scope), {
      context: 'user',
      resourceType: 'Observation',
      permissions: letters('rs'),
      filter: [['category', LAB]],
      source: scope,
    });
    assert.deepEqual(only('patient/Observation.rs?category=laboratory').filter, [['category', 'laboratory']]);
    assert.deepEqual(only('patient/Observation.rs?category=laboratory&status=final').filter, [
      ['category', 'laboratory'],
      ['status', 'final'],
    ]);
    assert.deepEqual(only('patient/Observation.rs?category=laboratory,vital-signs').filter, [['category', 'laboratory,vital-signs']]);
    assert.deepEqual(only('patient/*.rs?_security=http://x|N').filter, [['_security', 'http://x|N']]);
  });

  it('percent-decodes filter values', () => {
    assert.deepEqual(only('patient/Observation.rs?category=http%3A%2F%2Fexample.org%7Clab').filter, [['category', 'http://example.org|lab']]);
  });
});

describe('invalid scopes', () => {
  const INVALID: Record<string, string> = {
    'patient/Observation.sr': 'letters out of order',
    'patient/Observation.dus': 'the spec example of an undefined scope',
    'patient/Observation.rrs': 'repeated letter',
    'patient/Observation.rss': 'repeated letter at the end',
    'patient/Observation.crudsc': 'repeated after a full set',
    'patient/Observation.': 'no permissions',
    'patient/Observation.x': 'unknown letter',
    'patient/Observation': 'no suffix',
    'patient/Foo.read': 'unknown resource type',
    'patient/observation.rs': 'resource types are case-sensitive',
    'patient/Resource.rs': 'abstract type',
    'patient/DomainResource.rs': 'abstract type',
    'patient/SubscriptionStatus.rs': 'R4B, not R4',
    'Patient/Observation.rs': 'context is case-sensitive',
    'practitioner/Observation.rs': 'unknown context',
    'patient/.rs': 'no resource type',
    '/Observation.rs': 'no context',
    'patient/Observation.rs?category': 'filter without a value',
    'patient/Observation.rs?category=': 'filter with an empty value',
    'patient/Observation.rs?': 'empty query',
    'patient/Observation.rs?=laboratory': 'filter without a name',
    'patient/Observation.rs?category=laboratory&': 'trailing separator',
    'patient/Observation.rs?code:in=http://example.org/vs': 'modifier (experimental)',
    'patient/Observation.rs?patient.birthdate=1990': 'chain (experimental)',
    'patient/Observation.rs?category=%E0%A4%A': 'malformed percent-encoding',
    'launch/anything': 'unknown launch context',
    email: 'not a SMART scope',
    'patient/*': 'wildcard without suffix',
  };
  for (const [scope, why] of Object.entries(INVALID)) {
    it(`rejects ${scope} (${why})`, () => {
      assert.deepEqual(parseScopes(scope), { rules: [], other: [], invalid: [scope] });
      assert.equal(isSmartScope(scope), false);
    });
  }
});

describe('scope strings', () => {
  it('sorts a whole string into rules, other scopes and rejects', () => {
    const parsed = parseScopes(
      '  openid fhirUser\tprofile launch launch/patient launch/encounter offline_access online_access patient/*.rs patient/Foo.read user/Observation.sr  ',
    );
    assert.deepEqual(parsed.other, ['openid', 'fhirUser', 'profile', 'launch', 'launch/patient', 'launch/encounter', 'offline_access', 'online_access']);
    assert.deepEqual(parsed.rules.map((r) => r.source), ['patient/*.rs']);
    assert.deepEqual(parsed.invalid, ['patient/Foo.read', 'user/Observation.sr']);
  });

  it('gives nothing for an empty string', () => {
    assert.deepEqual(parseScopes(''), { rules: [], other: [], invalid: [] });
    assert.deepEqual(parseScopes('   '), { rules: [], other: [], invalid: [] });
  });

  it('treats compound scopes as the union (Observation.rs = Observation.r Observation.s)', () => {
    const perms = new Set<Permission>(parseScopes('patient/Observation.r patient/Observation.s').rules.flatMap((r) => [...r.permissions]));
    assert.deepEqual([...perms].sort(), letters('rs').split(''));
  });

  it('recognises one scope at a time', () => {
    for (const s of ['openid', 'fhirUser', 'launch/patient', 'offline_access', 'patient/*.rs', 'system/Patient.cruds', `user/Observation.rs?category=${LAB}`]) {
      assert.equal(isSmartScope(s), true, s);
    }
    for (const s of ['', 'openid fhirUser', 'patient/*.rs ', 'OPENID']) assert.equal(isSmartScope(s), false, JSON.stringify(s));
  });
});
