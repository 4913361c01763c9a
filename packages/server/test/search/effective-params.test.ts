/**
 * The rules that turn a tenant's stored SearchParameters into the registries writes and searches
 * use (search-params/effective.ts), without a database: only active non-HL7 parameters count;
 * writes use all of them at once; searches only those a finished reindex covers (a job over the
 * base type, or over every type, started at or after the parameter's revision); an override of a
 * base parameter keeps the base definition for search until then; and the job types a parameter
 * needs.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SearchParameter } from '@medplum/fhirtypes';
import { SearchParamRegistry } from '@continuum/fhir';
import { affectedTypes, coveredBases, effectiveRegistries, type StoredSearchParam } from '../../src/search-params/effective.ts';

const base = SearchParamRegistry.r4();

function sp(code: string, over: Partial<SearchParameter> = {}): SearchParameter {
  return {
    resourceType: 'SearchParameter', url: `http://example.org/sp/${code}`, name: code, status: 'active', description: 'd',
    code, base: ['Patient'], type: 'string', expression: 'Patient.name.family', ...over,
  };
}
const stored = (resource: SearchParameter, revision: number): StoredSearchParam => ({ resource, revision });

describe('effective search parameters', () => {
  it('without custom parameters both registries are the base one', () => {
    const r = effectiveRegistries(base, { generation: 0, params: [], coverage: new Map() });
    assert.equal(r.indexing, base);
    assert.equal(r.searching, base);
  });

  it('indexes with every active custom parameter, ignoring retired, draft and HL7 ones', () => {
    const params = [
      stored(sp('one'), 1),
      stored(sp('retired', { status: 'retired' }), 2),
      stored(sp('draft', { status: 'draft' }), 3),
      stored(sp('hl7', { url: 'http://hl7.org/fhir/SearchParameter/Patient-hl7' }), 4),
    ];
    const r = effectiveRegistries(base, { generation: 4, params, coverage: new Map() });
    assert.ok(r.indexing.get('Patient', 'one'));
    for (const code of ['retired', 'draft', 'hl7']) assert.equal(r.indexing.get('Patient', code), undefined, code);
    assert.equal(r.searching.get('Patient', 'one'), undefined, 'not searchable before a reindex');
  });

  it('searches with a parameter once a job over its type or every type started at or after its revision', () => {
    const p = stored(sp('one', { base: ['Patient', 'Person'], expression: 'Patient.name.family | Person.name.family' }), 5);
    const at = (coverage: [string, number][]) => effectiveRegistries(base, { generation: 9, params: [p], coverage: new Map(coverage) }).searching;
    assert.equal(at([['Patient', 4]]).get('Patient', 'one'), undefined, 'a job older than the revision');
    assert.ok(at([['Patient', 5]]).get('Patient', 'one'));
    assert.equal(at([['Patient', 5]]).get('Person', 'one'), undefined, 'only the covered base');
    assert.ok(at([['*', 7]]).get('Person', 'one'));
    assert.deepEqual(coveredBases(p, new Map([['Person', 6], ['*', 2]])), ['Person']);
  });

  it('keeps the base definition of an overridden parameter for search until the override is reindexed', () => {
    const override = stored(sp('family', { expression: 'Patient.name.given' }), 3);
    const before = effectiveRegistries(base, { generation: 3, params: [override], coverage: new Map() });
    assert.equal(before.indexing.get('Patient', 'family')!.expression, 'Patient.name.given');
    assert.equal(before.searching.get('Patient', 'family')!.url, 'http://hl7.org/fhir/SearchParameter/individual-family');
    const after = effectiveRegistries(base, { generation: 4, params: [override], coverage: new Map([['Patient', 3]]) });
    assert.equal(after.searching.get('Patient', 'family')!.expression, 'Patient.name.given');
  });

  it('a parameter on an abstract base needs a job over every type', () => {
    const p = stored(sp('src', { base: ['Resource'] as unknown as SearchParameter['base'], expression: 'Resource.meta.source', type: 'uri' }), 2);
    assert.deepEqual(coveredBases(p, new Map([['Patient', 9]])), []);
    assert.deepEqual(coveredBases(p, new Map([['*', 2]])), ['Resource']);
    assert.equal(affectedTypes(p.resource), undefined);
    assert.deepEqual(affectedTypes(sp('x', { base: ['Patient', 'Group'] })), ['Patient', 'Group']);
  });
});
