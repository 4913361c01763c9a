/**
 * Unit tests for ValueSet expansion and binding checks on small hand-made terminology, covering
 * the cases the R4 base rarely exercises: Coding bindings, nested concepts, included ValueSets,
 * excludes, version suffixes and the "not checkable" outcomes (filters, missing CodeSystems).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CodeSystem, OperationOutcomeIssue, ValueSet } from '@medplum/fhirtypes';
import { checkBinding } from '../src/validation/bindings.ts';
import { Terminology } from '../src/validation/terminology.ts';

const colours: CodeSystem = {
  resourceType: 'CodeSystem',
  url: 'http://example.org/cs/colours',
  status: 'active',
  content: 'complete',
  concept: [{ code: 'red', concept: [{ code: 'crimson' }] }, { code: 'blue' }, { code: 'green' }],
};
const partial: CodeSystem = { ...colours, url: 'http://example.org/cs/partial', content: 'fragment' };

function vs(url: string, compose: ValueSet['compose']): ValueSet {
  return { resourceType: 'ValueSet', url, status: 'active', compose };
}

const terminology = new Terminology([
  colours,
  partial,
  vs('http://example.org/vs/all', { include: [{ system: colours.url }] }),
  vs('http://example.org/vs/warm', { include: [{ system: colours.url, concept: [{ code: 'red' }] }] }),
  vs('http://example.org/vs/no-green', {
    include: [{ valueSet: ['http://example.org/vs/all|1.0'] }],
    exclude: [{ system: colours.url, concept: [{ code: 'green' }] }],
  }),
  vs('http://example.org/vs/filtered', { include: [{ system: colours.url, filter: [{ property: 'concept', op: 'is-a', value: 'red' }] }] }),
  vs('http://example.org/vs/fragment', { include: [{ system: partial.url }] }),
  vs('http://example.org/vs/external', { include: [{ system: 'http://snomed.info/sct' }] }),
  vs('http://example.org/vs/loop', { include: [{ valueSet: ['http://example.org/vs/loop'] }] }),
]);

function check(value: unknown, type: string, url: string): OperationOutcomeIssue[] {
  const expansion = terminology.expand(url);
  assert.ok(expansion, `${url} should be checkable`);
  const issues: OperationOutcomeIssue[] = [];
  checkBinding(value, type, expansion, 'X.y', issues);
  return issues;
}

describe('Terminology.expand', () => {
  it('takes every concept of a whole CodeSystem, nested ones included', () => {
    assert.deepEqual([...(terminology.expand('http://example.org/vs/all|4.0.1')?.codes ?? [])].sort(), ['blue', 'crimson', 'green', 'red']);
  });

  it('follows included ValueSets and applies excludes', () => {
    assert.deepEqual([...(terminology.expand('http://example.org/vs/no-green')?.codes ?? [])].sort(), ['blue', 'crimson', 'red']);
  });

  it('treats what it cannot evaluate as not checkable', () => {
    for (const url of ['filtered', 'fragment', 'external', 'loop', 'unknown']) {
      assert.equal(terminology.expand(`http://example.org/vs/${url}`), undefined, url);
    }
  });
});

describe('checkBinding', () => {
  it('checks code membership', () => {
    assert.deepEqual(check('red', 'code', 'http://example.org/vs/warm'), []);
    const [bad] = check('blue', 'code', 'http://example.org/vs/warm');
    assert.equal(bad?.code, 'code-invalid');
    assert.deepEqual(bad?.expression, ['X.y']);
  });

  it('checks a Coding only when the ValueSet covers its system', () => {
    const url = 'http://example.org/vs/warm';
    assert.deepEqual(check({ system: colours.url, code: 'red' }, 'Coding', url), []);
    assert.deepEqual(check({ system: colours.url, code: 'blue' }, 'Coding', url)[0]?.expression, ['X.y.code']);
    assert.deepEqual(check({ system: 'http://other', code: 'blue' }, 'Coding', url), []);
    assert.deepEqual(check({ code: 'blue' }, 'Coding', url), []);
  });

  it('needs one valid coding in a CodeableConcept with covered codings', () => {
    const url = 'http://example.org/vs/warm';
    const cc = (...codes: string[]) => ({ coding: codes.map((code) => ({ system: colours.url, code })), text: 't' });
    assert.deepEqual(check(cc('blue', 'red'), 'CodeableConcept', url), []);
    assert.equal(check(cc('blue'), 'CodeableConcept', url).length, 1);
    assert.deepEqual(check({ text: 'only text' }, 'CodeableConcept', url), []);
    assert.deepEqual(check({ coding: [{ system: 'http://other', code: 'x' }] }, 'CodeableConcept', url), []);
  });

  it('ignores values of the wrong JSON shape (structure errors are reported elsewhere)', () => {
    const url = 'http://example.org/vs/warm';
    assert.deepEqual(check(42, 'code', url), []);
    assert.deepEqual(check('red', 'Coding', url), []);
    assert.deepEqual(check({ coding: 'x' }, 'CodeableConcept', url), []);
  });
});
