// The SearchParameter registry: R4 loading, per-type expression splitting, resolve()/as rewriting,
// custom parameters and the report of parameters that cannot be evaluated.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Observation, SearchParameter } from '@medplum/fhirtypes';
import { rewriteAs, rewriteResolve, splitUnion } from '../src/search/expression-parts.ts';
import { extractIndexRows, SearchParamRegistry } from '../src/search/index.ts';

const r4 = SearchParamRegistry.r4();

function custom(code: string, base: string[], expression: string, type: SearchParameter['type'] = 'string'): SearchParameter {
  return { resourceType: 'SearchParameter', url: `http://example.org/sp/${code}`, name: code, status: 'active', description: code, code, base, type, expression } as SearchParameter;
}

describe('expression splitting', () => {
  it('splits on top-level | only', () => {
    assert.deepEqual(splitUnion("A.x | B.y.where(a = 'p|q' or (b | c).exists()) | C.z"), [
      'A.x',
      "B.y.where(a = 'p|q' or (b | c).exists())",
      'C.z',
    ]);
  });

  it('rewrites where(resolve() is T) to the path plus a target filter', () => {
    assert.deepEqual(rewriteResolve('CarePlan.subject.where(resolve() is Patient)'), {
      expression: 'CarePlan.subject',
      targetFilter: ['Patient'],
    });
    assert.deepEqual(rewriteResolve('Encounter.subject'), { expression: 'Encounter.subject', targetFilter: null });
    assert.throws(() => rewriteResolve('Patient.link.other.resolve().name'), /resolve\(\)/);
  });

  it('rewrites as to ofType so repeating elements do not throw', () => {
    assert.equal(rewriteAs('(Observation.value as Quantity)'), 'Observation.value.ofType(Quantity)');
    assert.equal(rewriteAs('(Observation.value as CodeableConcept).text'), 'Observation.value.ofType(CodeableConcept).text');
    assert.equal(rewriteAs('Condition.onset.as(Age)'), 'Condition.onset.ofType(Age)');
  });
});

describe('SearchParamRegistry.r4', () => {
  it('holds only HL7 base parameters and is cached', () => {
    assert.equal(SearchParamRegistry.r4(), r4);
    for (const type of ['Patient', 'Observation', 'Organization', 'Bundle']) {
      for (const def of r4.forType(type)) assert.match(def.url, /^http:\/\/hl7\.org\/fhir\/SearchParameter\//);
    }
  });

  it('includes the Resource-level parameters that have an expression', () => {
    const codes = new Set(r4.forType('Patient').map((d) => d.code));
    for (const code of ['_id', '_lastUpdated', '_tag', '_profile', '_security', '_source', 'name', 'birthdate']) {
      assert.ok(codes.has(code), code);
    }
    for (const code of ['_text', '_content', '_query']) assert.ok(!codes.has(code), code);
    assert.equal(r4.get('Bundle', '_id')?.type, 'token');
    assert.equal(r4.get('Patient', '_profile')?.type, 'uri');
  });

  it('keeps only the union parts for the requested type', () => {
    assert.equal(r4.get('Observation', 'patient')?.expression, 'Observation.subject.where(resolve() is Patient)');
    assert.equal(r4.get('AllergyIntolerance', 'patient')?.expression, 'AllergyIntolerance.patient');
    assert.equal(r4.get('Observation', 'patient')?.type, 'reference');
    assert.deepEqual(r4.get('Observation', 'patient')?.targets, ['Patient']);
    assert.equal(r4.get('Patient', 'address-city')?.expression, 'Patient.address.city');
  });

  it('keeps composite and special definitions with their components', () => {
    const combo = r4.get('Observation', 'code-value-quantity');
    assert.equal(combo?.type, 'composite');
    assert.equal(combo?.components?.length, 2);
    assert.equal(r4.get('Location', 'near')?.type, 'special');
  });

  it('evaluates to typed values, filtering resolve() targets by reference type', () => {
    const obs = { resourceType: 'Observation', status: 'final', code: {}, subject: { reference: 'Group/1' } } as Observation;
    assert.deepEqual(r4.get('Observation', 'patient')?.evaluate(obs), []);
    assert.deepEqual(r4.get('Observation', 'subject')?.evaluate(obs), [{ type: 'Reference', value: { reference: 'Group/1' } }]);
    const byType: Observation = { ...obs, subject: { type: 'Patient', identifier: { value: 'x' } } };
    assert.equal(r4.get('Observation', 'patient')?.evaluate(byType).length, 1);
  });

  it('reports parameters it cannot evaluate', () => {
    console.log('skipped R4 parameters:', r4.skipped);
    assert.deepEqual(r4.skipped.map((s) => s.code).sort(), ['_content', '_query', '_text']);
  });
});

describe('withCustom', () => {
  const extended = r4.withCustom([
    custom('nickname', ['Patient'], "Patient.name.where(use = 'nickname').given"),
    custom('broken-syntax', ['Patient'], 'Patient.name.'),
    custom('broken-function', ['Patient'], 'Patient.name.noSuchFunction()'),
    custom('linked-name', ['Patient'], 'Patient.link.other.resolve().name'),
    custom('gender', ['Patient'], 'Patient.gender', 'token'),
    custom('narrative-status', ['DomainResource'], 'DomainResource.text.status', 'token'),
  ]);

  it('returns a new registry and leaves the original unchanged', () => {
    assert.notEqual(extended, r4);
    assert.equal(r4.get('Patient', 'nickname'), undefined);
    assert.equal(extended.get('Patient', 'nickname')?.url, 'http://example.org/sp/nickname');
  });

  it('overrides a base parameter with the same code', () => {
    assert.equal(extended.get('Patient', 'gender')?.url, 'http://example.org/sp/gender');
    assert.match(r4.get('Patient', 'gender')?.url ?? '', /hl7\.org/);
  });

  it('applies DomainResource parameters to domain resources only', () => {
    assert.ok(extended.get('Patient', 'narrative-status'));
    assert.equal(extended.get('Bundle', 'narrative-status'), undefined);
  });

  it('collects expressions that fail to compile instead of throwing', () => {
    const reasons = new Map(extended.skipped.map((s) => [s.code, s.reason]));
    assert.ok(reasons.has('broken-syntax'));
    assert.match(reasons.get('broken-function') ?? '', /noSuchFunction/);
    assert.match(reasons.get('linked-name') ?? '', /resolve\(\)/);
    assert.equal(extended.get('Patient', 'broken-syntax'), undefined);
  });
});

describe('parameters that are unions of others', () => {
  const members = (registry: SearchParamRegistry, type: string, code: string): string[] | undefined =>
    registry.get(type, code)?.unionOf?.map((m) => m.code).sort();

  it('finds the R4 Observation combo parameters, and no others in R4', () => {
    assert.deepEqual(members(r4, 'Observation', 'combo-code'), ['code', 'component-code']);
    assert.deepEqual(members(r4, 'Observation', 'combo-value-quantity'), ['component-value-quantity', 'value-quantity']);
    assert.deepEqual(members(r4, 'Observation', 'combo-code-value-quantity'), ['code-value-quantity', 'component-code-value-quantity']);
    assert.deepEqual(members(r4, 'Observation', 'combo-code-value-concept'), ['code-value-concept', 'component-code-value-concept']);
    assert.deepEqual(members(r4, 'Observation', 'combo-data-absent-reason'), ['component-data-absent-reason', 'data-absent-reason']);
    assert.deepEqual(members(r4, 'Observation', 'combo-value-concept'), ['component-value-concept', 'value-concept']);
    const unions: string[] = [];
    for (const sp of (r4 as unknown as { forType(t: string): { code: string; unionOf?: unknown }[] }).forType('Observation')) if (sp.unionOf) unions.push(sp.code);
    assert.equal(unions.length, 6);
  });

  it('gives a union no rows of its own, while its members keep theirs', () => {
    const obs = {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] },
      component: [{ code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, valueQuantity: { value: 120, system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } }],
    } as Observation;
    const rows = extractIndexRows(obs, r4);
    assert.deepEqual(rows.token.filter((r) => r.param.startsWith('combo-')), []);
    assert.deepEqual(rows.token.filter((r) => r.param === 'code' || r.param === 'component-code').map((r) => `${r.param} ${r.code}`).sort(), ['code 85354-9', 'component-code 8480-6']);
  });

  it('stops treating a parameter as a union once a custom parameter changes one of its members', () => {
    const changed = r4.withCustom([custom('component-code', ['Observation'], 'Observation.component.code.coding', 'token')]);
    assert.equal(changed.get('Observation', 'combo-code')?.unionOf, undefined);
    assert.deepEqual(members(r4, 'Observation', 'combo-code'), ['code', 'component-code'], 'the base registry is unchanged');
  });
});
