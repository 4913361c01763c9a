// _summary and _elements on real R4 examples; expectations follow the R4 resource pages (Σ flags, cardinality).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import type { Coding, Observation, Patient, Resource } from '@medplum/fhirtypes';
import { buildElementIndex } from '../src/format/element-index.ts';
import { SUBSETTED, selectElements, summarize } from '../src/format/summary.ts';

const require = createRequire(import.meta.url);
function example<T extends Resource>(file: string): T {
  return JSON.parse(readFileSync(require.resolve(`hl7.fhir.r4.examples/${file}`), 'utf8')) as T;
}

/** The R4 Patient example, plus elements it lacks that are not in the summary. */
function patient(): Patient {
  const p = example<Patient>('Patient-example.json');
  p.photo = [{ contentType: 'image/png', data: 'iVBORw0KGgo=' }];
  p.maritalStatus = { text: 'Married' };
  p.communication = [{ language: { text: 'English' }, preferred: true }];
  p.extension = [{ url: 'http://example.org/ext', valueString: 'x' }];
  p.modifierExtension = [{ url: 'http://example.org/mod', valueBoolean: true }];
  const first = p.name?.[0];
  if (first) first.id = 'n1';
  p.meta = { versionId: '3', lastUpdated: '2024-01-01T00:00:00Z' };
  return p;
}

const bloodPressure = (): Observation => example<Observation>('Observation-blood-pressure.json');

function isSubsetted(resource: Resource): boolean {
  return (resource.meta?.tag ?? []).some((t: Coding) => t.system === SUBSETTED.system && t.code === 'SUBSETTED');
}

function keys(resource: Resource): string[] {
  return Object.keys(resource).sort();
}

describe('summarize(_summary=true)', () => {
  it('keeps the summary elements of Patient and drops the rest', () => {
    const out = summarize(patient(), 'true') as Patient;
    assert.deepEqual(keys(out), [
      '_birthDate', 'active', 'address', 'birthDate', 'deceasedBoolean', 'gender', 'id', 'identifier',
      'managingOrganization', 'meta', 'modifierExtension', 'name', 'resourceType', 'telecom',
    ]);
    for (const dropped of ['photo', 'contact', 'text', 'maritalStatus', 'communication', 'extension']) {
      assert.equal(dropped in out, false, `${dropped} should be dropped`);
    }
    assert.ok(isSubsetted(out));
    assert.equal(out.meta?.versionId, '3');
  });

  it('descends into datatypes, keeping their summary children only', () => {
    const out = summarize(patient(), 'true') as Patient;
    const source = patient();
    // Identifier and HumanName children are all Σ in R4; Element.id is not.
    assert.deepEqual(out.identifier, source.identifier);
    const { id: _id, ...firstName } = source.name?.[0] ?? {};
    assert.deepEqual(out.name?.[0], firstName);
    assert.deepEqual(out.name?.slice(1), source.name?.slice(1));
    // A kept modifier extension is kept whole (its url and value are not Σ themselves).
    assert.deepEqual(out.modifierExtension, source.modifierExtension);
  });

  it('keeps Observation summary elements, drops non-summary ones, and recurses into component', () => {
    const out = summarize(bloodPressure(), 'true') as Observation;
    for (const kept of ['status', 'code', 'subject', 'effectiveDateTime', 'performer', 'identifier', 'basedOn', 'component']) {
      assert.ok(kept in out, `${kept} should be kept`);
    }
    for (const dropped of ['text', 'category', 'interpretation', 'bodySite']) {
      assert.equal(dropped in out, false, `${dropped} should be dropped`);
    }
    for (const component of out.component ?? []) {
      assert.deepEqual(Object.keys(component).sort(), ['code', 'valueQuantity']);
    }
  });

  it('leaves a type the definitions do not describe whole', () => {
    const odd = { resourceType: 'NotAType', id: 'x', foo: 1 } as unknown as Resource;
    assert.deepEqual(summarize(odd, 'true'), odd);
  });
});

describe('summarize(_summary=text|data|false)', () => {
  it('text keeps text, id, meta and mandatory top-level elements (Observation status and code)', () => {
    const source = bloodPressure();
    const out = summarize(source, 'text') as Observation;
    assert.deepEqual(keys(out), ['code', 'id', 'meta', 'resourceType', 'status', 'text']);
    assert.deepEqual(out.code, source.code);
    assert.deepEqual(out.text, source.text);
    assert.ok(isSubsetted(out));
    assert.deepEqual(out.meta?.profile, source.meta?.profile);
  });

  it('text on a Patient (no mandatory elements) keeps only text, id and meta', () => {
    assert.deepEqual(keys(summarize(patient(), 'text')), ['id', 'meta', 'resourceType', 'text']);
  });

  it('data removes only text', () => {
    const source = patient();
    const out = summarize(source, 'data') as Patient;
    const { text: _text, meta: _meta, ...rest } = source;
    const { meta, ...outRest } = out;
    assert.deepEqual(outRest, rest);
    assert.ok(isSubsetted(out));
    assert.equal(meta?.versionId, '3');
  });

  it('false returns an equal copy without the SUBSETTED tag', () => {
    const source = patient();
    const out = summarize(source, 'false');
    assert.deepEqual(out, source);
    assert.notEqual(out, source);
  });
});

describe('selectElements(_elements)', () => {
  it('_elements=gender keeps gender plus id, meta and resourceType', () => {
    const out = selectElements(patient(), ['gender']) as Patient;
    assert.deepEqual(keys(out), ['gender', 'id', 'meta', 'resourceType']);
    assert.equal(out.gender, 'male');
    assert.ok(isSubsetted(out));
  });

  it('keeps mandatory elements, choice elements by base name, and primitive companions', () => {
    const obs = selectElements(bloodPressure(), ['effective']);
    assert.deepEqual(keys(obs), ['code', 'effectiveDateTime', 'id', 'meta', 'resourceType', 'status']);
    const p = selectElements(patient(), ['birthDate', 'deceased', 'Patient.name', ' photo ']);
    assert.deepEqual(keys(p), ['_birthDate', 'birthDate', 'deceasedBoolean', 'id', 'meta', 'name', 'photo', 'resourceType']);
  });

  it('ignores names that are not elements', () => {
    assert.deepEqual(keys(selectElements(patient(), ['nope', ''])), ['id', 'meta', 'resourceType']);
  });
});

describe('purity and tagging', () => {
  it('never mutates the input', () => {
    const source = patient();
    const before = structuredClone(source);
    summarize(source, 'true');
    summarize(source, 'text');
    summarize(source, 'data');
    selectElements(source, ['gender']);
    assert.deepEqual(source, before);
  });

  it('adds SUBSETTED once, next to existing tags', () => {
    const source: Patient = { resourceType: 'Patient', meta: { tag: [{ system: 'urn:t', code: 'a' }] } };
    const once = summarize(source, 'data');
    const twice = summarize(once, 'true');
    assert.deepEqual(twice.meta?.tag, [{ system: 'urn:t', code: 'a' }, { ...SUBSETTED }]);
  });

  it('works with an index built from caller-supplied definitions', () => {
    const index = buildElementIndex([
      {
        resourceType: 'StructureDefinition', url: 'urn:x', name: 'Thing', status: 'draft', kind: 'resource', abstract: false,
        type: 'Thing', derivation: 'specialization',
        snapshot: { element: [
          { path: 'Thing', min: 0, max: '*' },
          { path: 'Thing.a', min: 0, max: '1', isSummary: true, type: [{ code: 'string' }] },
          { path: 'Thing.b', min: 0, max: '1', type: [{ code: 'string' }] },
          { path: 'Thing.c', min: 1, max: '1', type: [{ code: 'string' }] },
        ] },
      },
    ]);
    const thing = { resourceType: 'Thing', id: '1', a: 'a', b: 'b', c: 'c' } as unknown as Resource;
    assert.deepEqual(keys(summarize(thing, 'true', index)), ['a', 'c', 'id', 'meta', 'resourceType']);
    assert.deepEqual(keys(selectElements(thing, ['b'], index)), ['b', 'c', 'id', 'meta', 'resourceType']);
  });
});
