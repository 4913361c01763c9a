// Write-time index extraction: expected rows derived by hand from the R4 search rules, then a sweep
// over every R4 example resource and a timing of typical writes.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Observation, Patient, Resource, SearchParameter } from '@medplum/fhirtypes';
import { extractIndexRows, extractIndexRowsStrict, SearchParamRegistry } from '../src/search/index.ts';
import type { IndexRows } from '../src/search/index.ts';

const r4 = SearchParamRegistry.r4();

function rows<K extends keyof IndexRows>(all: IndexRows, kind: K, param: string): Omit<IndexRows[K][number], 'param'>[] {
  return (all[kind] as IndexRows[K][number][])
    .filter((r) => r.param === param)
    .map(({ param: _param, ...rest }) => rest);
}

const patient: Patient = {
  resourceType: 'Patient',
  id: 'p1',
  meta: {
    lastUpdated: '2024-05-01T12:30:00.250Z',
    tag: [{ system: 'http://example.org/tags', code: 'vip', display: 'Very Important' }],
    profile: ['http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient'],
  },
  identifier: [
    {
      system: 'urn:oid:1.2.36.146.595.217.0.1',
      value: '12345',
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }], text: 'Medical  Record' },
    },
  ],
  name: [{ family: 'Müller', given: ['Anna', 'Maria'], prefix: ['Dr.'] }],
  gender: 'female',
  birthDate: '1974-12',
  telecom: [{ system: 'phone', value: '+1 555 0100', use: 'home' }, { system: 'email', value: 'anna@example.org' }],
  address: [{ line: ['12 Rue de l’Église'], city: 'Genève', postalCode: '1204', country: 'CH' }],
};

const observation: Observation = {
  resourceType: 'Observation',
  id: 'o1',
  status: 'final',
  category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }], text: 'Heart Rate' },
  subject: { reference: 'Patient/123' },
  effectivePeriod: { start: '2024-03-05T10:00:00Z' },
  valueQuantity: { value: 72.5, unit: 'Beats/Minute', system: 'http://unitsofmeasure.org', code: '/min' },
  performer: [{ reference: 'https://other.example.org/fhir/Practitioner/pr-7/_history/3' }],
};

describe('string rows', () => {
  const all = extractIndexRows(patient, r4);

  it('indexes each name part and the full name, normalised', () => {
    assert.deepEqual(rows(all, 'string', 'family'), [{ norm: 'muller', exact: 'Müller' }]);
    assert.deepEqual(rows(all, 'string', 'given'), [
      { norm: 'anna', exact: 'Anna' },
      { norm: 'maria', exact: 'Maria' },
    ]);
    assert.deepEqual(rows(all, 'string', 'name'), [
      { norm: 'muller', exact: 'Müller' },
      { norm: 'anna', exact: 'Anna' },
      { norm: 'maria', exact: 'Maria' },
      { norm: 'dr.', exact: 'Dr.' },
      { norm: 'dr. anna maria muller', exact: 'Dr. Anna Maria Müller' },
    ]);
  });

  it('indexes address parts', () => {
    assert.deepEqual(rows(all, 'string', 'address-city'), [{ norm: 'geneve', exact: 'Genève' }]);
    assert.deepEqual(rows(all, 'string', 'address').map((r) => r.norm), ['12 rue de l’eglise', 'geneve', '1204', 'ch']);
  });
});

describe('token rows', () => {
  const all = extractIndexRows(patient, r4);
  const bare = { system: null, text: null, typeSystem: null, typeCode: null };

  it('indexes codes, identifiers with their type, and contact points', () => {
    assert.deepEqual(rows(all, 'token', 'gender'), [{ ...bare, code: 'female' }]);
    assert.deepEqual(rows(all, 'token', 'identifier'), [
      {
        system: 'urn:oid:1.2.36.146.595.217.0.1',
        code: '12345',
        text: 'medical record',
        typeSystem: 'http://terminology.hl7.org/CodeSystem/v2-0203',
        typeCode: 'MR',
      },
    ]);
    assert.deepEqual(rows(all, 'token', 'phone'), [{ ...bare, code: '+1 555 0100' }]);
    assert.deepEqual(rows(all, 'token', 'email'), [{ ...bare, code: 'anna@example.org' }]);
    // Search answers _id from the resource row's id column: rows for it would never be read.
    assert.deepEqual(rows(all, 'token', '_id'), []);
  });

  it('indexes boolean expressions as true/false', () => {
    assert.deepEqual(rows(all, 'token', 'deceased'), [{ ...bare, code: 'false' }]);
    const dead = extractIndexRows({ ...patient, deceasedDateTime: '2020-01-02' }, r4);
    assert.deepEqual(rows(dead, 'token', 'deceased'), [{ ...bare, code: 'true' }]);
    assert.deepEqual(rows(dead, 'date', 'death-date'), [{ low: '2020-01-02T00:00:00.000Z', high: '2020-01-03T00:00:00.000Z' }]);
  });

  it('indexes meta tags as Coding tokens with display text', () => {
    assert.deepEqual(rows(all, 'token', '_tag'), [
      { system: 'http://example.org/tags', code: 'vip', text: 'very important', typeSystem: null, typeCode: null },
    ]);
  });

  it('gives a CodeableConcept one row per coding and one text-only row', () => {
    const obs = extractIndexRows(observation, r4);
    assert.deepEqual(rows(obs, 'token', 'code'), [
      { system: 'http://loinc.org', code: '8867-4', text: 'heart rate', typeSystem: null, typeCode: null },
      { system: null, code: null, text: 'heart rate', typeSystem: null, typeCode: null },
    ]);
  });
});

describe('date rows', () => {
  it('gives partial dates the range of their precision', () => {
    const all = extractIndexRows(patient, r4);
    assert.deepEqual(rows(all, 'date', 'birthdate'), [{ low: '1974-12-01T00:00:00.000Z', high: '1975-01-01T00:00:00.000Z' }]);
    // _lastUpdated is answered from the resource row's last_updated column.
    assert.deepEqual(rows(all, 'date', '_lastUpdated'), []);
    const dead = extractIndexRows({ ...patient, deceasedDateTime: '2024-05-01T12:30:00.250Z' }, r4);
    assert.deepEqual(rows(dead, 'date', 'death-date'), [{ low: '2024-05-01T12:30:00.250Z', high: '2024-05-01T12:30:00.251Z' }]);
  });

  it('handles years, days, seconds, time zones and invalid values', () => {
    const at = (birthDate: string) => rows(extractIndexRows({ ...patient, birthDate }, r4), 'date', 'birthdate');
    assert.deepEqual(at('2024'), [{ low: '2024-01-01T00:00:00.000Z', high: '2025-01-01T00:00:00.000Z' }]);
    assert.deepEqual(at('2024-02-29'), [{ low: '2024-02-29T00:00:00.000Z', high: '2024-03-01T00:00:00.000Z' }]);
    assert.deepEqual(at('2023-02-29'), []);
    assert.deepEqual(at('not a date'), []);
    const obs = (effectiveDateTime: string) => rows(extractIndexRows({ ...observation, effectivePeriod: undefined, effectiveDateTime }, r4), 'date', 'date');
    assert.deepEqual(obs('2024-03-05T10:00:30+02:00'), [{ low: '2024-03-05T08:00:30.000Z', high: '2024-03-05T08:00:31.000Z' }]);
    // no time zone: read as UTC
    assert.deepEqual(obs('2024-03-05T10:00:30'), [{ low: '2024-03-05T10:00:30.000Z', high: '2024-03-05T10:00:31.000Z' }]);
  });

  it('gives a Period with an open end a null high', () => {
    const all = extractIndexRows(observation, r4);
    assert.deepEqual(rows(all, 'date', 'date'), [{ low: '2024-03-05T10:00:00.000Z', high: null }]);
    const closed = extractIndexRows({ ...observation, effectivePeriod: { end: '2024-03-06' } }, r4);
    assert.deepEqual(rows(closed, 'date', 'date'), [{ low: null, high: '2024-03-07T00:00:00.000Z' }]);
  });
});

describe('number and quantity rows', () => {
  it('gives a quantity the range of its precision, with system, code and normalised unit', () => {
    const all = extractIndexRows(observation, r4);
    const expected = { value: 72.5, low: 72.45, high: 72.55, system: 'http://unitsofmeasure.org', code: '/min', unit: 'beats/minute' };
    assert.deepEqual(rows(all, 'quantity', 'value-quantity'), [expected]);
    // combo-value-quantity is value-quantity | component-value-quantity: search reads those rows.
    assert.deepEqual(rows(all, 'quantity', 'combo-value-quantity'), []);
  });

  it('gives numbers the range of their textual precision', () => {
    const sp = { resourceType: 'SearchParameter', code: 'birth-order', base: ['Patient'], type: 'number', expression: 'Patient.multipleBirth' } as SearchParameter;
    const registry = r4.withCustom([sp]);
    const at = (n: number) => rows(extractIndexRows({ ...patient, multipleBirthInteger: n }, registry), 'number', 'birth-order');
    assert.deepEqual(at(100), [{ value: 100, low: 99.5, high: 100.5 }]);
    const risk = { resourceType: 'RiskAssessment', status: 'final', subject: { reference: 'Patient/1' }, prediction: [{ probabilityDecimal: 1.5 }] } as Resource;
    assert.deepEqual(rows(extractIndexRows(risk, r4), 'number', 'probability'), [{ value: 1.5, low: 1.45, high: 1.55 }]);
  });

  it('indexes Money with the ISO 4217 system', () => {
    const item = { resourceType: 'ChargeItemDefinition', status: 'active', url: 'http://x/cid', propertyGroup: [{ priceComponent: [{ type: 'base', amount: { value: 20, currency: 'EUR' } }] }] } as Resource;
    const sp = { resourceType: 'SearchParameter', code: 'price', base: ['ChargeItemDefinition'], type: 'quantity', expression: 'ChargeItemDefinition.propertyGroup.priceComponent.amount' } as SearchParameter;
    assert.deepEqual(rows(extractIndexRows(item, r4.withCustom([sp])), 'quantity', 'price'), [
      { value: 20, low: 19.5, high: 20.5, system: 'urn:iso:std:iso:4217', code: 'EUR', unit: null },
    ]);
  });
});

describe('reference rows', () => {
  const none = { url: null, identifierSystem: null, identifierValue: null };

  it('indexes a Patient subject for both subject and patient', () => {
    const all = extractIndexRows(observation, r4);
    assert.deepEqual(rows(all, 'reference', 'subject'), [{ ...none, targetType: 'Patient', targetId: '123' }]);
    assert.deepEqual(rows(all, 'reference', 'patient'), [{ ...none, targetType: 'Patient', targetId: '123' }]);
  });

  it('gives no patient row for a Group subject', () => {
    const all = extractIndexRows({ ...observation, subject: { reference: 'Group/1' } }, r4);
    assert.deepEqual(rows(all, 'reference', 'subject'), [{ ...none, targetType: 'Group', targetId: '1' }]);
    assert.deepEqual(rows(all, 'reference', 'patient'), []);
  });

  it('parses absolute URLs, strips versions and keeps the URL', () => {
    const all = extractIndexRows(observation, r4);
    assert.deepEqual(rows(all, 'reference', 'performer'), [
      { ...none, targetType: 'Practitioner', targetId: 'pr-7', url: 'https://other.example.org/fhir/Practitioner/pr-7/_history/3' },
    ]);
  });

  it('handles urn:uuid, identifier-only and contained references', () => {
    const obs: Observation = {
      ...observation,
      performer: [{ reference: 'urn:uuid:8d4b0b6e-0b1a-4a7e-9f0f-1f1f1f1f1f1f' }, { identifier: { system: 'urn:npi', value: '99' } }, { reference: '#c1' }],
      subject: { reference: 'Patient/123/_history/2' },
    };
    const all = extractIndexRows(obs, r4);
    assert.deepEqual(rows(all, 'reference', 'performer'), [
      { targetType: null, targetId: null, url: 'urn:uuid:8d4b0b6e-0b1a-4a7e-9f0f-1f1f1f1f1f1f', identifierSystem: null, identifierValue: null },
      { targetType: null, targetId: null, url: null, identifierSystem: 'urn:npi', identifierValue: '99' },
    ]);
    assert.deepEqual(rows(all, 'reference', 'subject'), [{ ...none, targetType: 'Patient', targetId: '123' }]);
  });

  it('indexes canonicals as url', () => {
    const plan = { resourceType: 'CarePlan', status: 'active', intent: 'plan', subject: { reference: 'Patient/1' }, instantiatesCanonical: ['http://example.org/PlanDefinition/pd|1.0'] } as Resource;
    assert.deepEqual(rows(extractIndexRows(plan, r4), 'reference', 'instantiates-canonical'), [
      { targetType: null, targetId: null, url: 'http://example.org/PlanDefinition/pd|1.0', identifierSystem: null, identifierValue: null },
    ]);
  });

  it('gives a relative canonical its target type and id', () => {
    const procedure = { resourceType: 'Procedure', status: 'completed', subject: { reference: 'Patient/1' }, instantiatesCanonical: ['PlanDefinition/KDN5', 'PlanDefinition/pd2|2.0'] } as Resource;
    assert.deepEqual(rows(extractIndexRows(procedure, r4), 'reference', 'instantiates-canonical'), [
      { targetType: 'PlanDefinition', targetId: 'KDN5', url: 'PlanDefinition/KDN5', identifierSystem: null, identifierValue: null },
      { targetType: 'PlanDefinition', targetId: 'pd2', url: 'PlanDefinition/pd2|2.0', identifierSystem: null, identifierValue: null },
    ]);
  });
});

describe('uri rows', () => {
  it('indexes meta.profile and meta.source', () => {
    const all = extractIndexRows({ ...patient, meta: { ...patient.meta, source: 'http://ehr.example.org#abc' } }, r4);
    assert.deepEqual(rows(all, 'uri', '_profile'), [{ value: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient' }]);
    assert.deepEqual(rows(all, 'uri', '_source'), [{ value: 'http://ehr.example.org#abc' }]);
  });
});

describe('position rows', () => {
  const at = (position: unknown): Resource => ({ resourceType: 'Location', name: 'x', position } as Resource);

  it('indexes Location.position for near, in WGS84 degrees', () => {
    assert.deepEqual(rows(extractIndexRows(at({ latitude: 48.8566, longitude: 2.3522, altitude: 35 }), r4), 'position', 'near'), [{ latitude: 48.8566, longitude: 2.3522 }]);
    assert.deepEqual(rows(extractIndexRows(at({ latitude: -90, longitude: 180 }), r4), 'position', 'near'), [{ latitude: -90, longitude: 180 }]);
  });

  it('gives no row for a position out of range or without both coordinates, and does not fail the write', () => {
    for (const bad of [{ latitude: 90.5, longitude: 0 }, { latitude: 0, longitude: -180.5 }, { latitude: 10 }, { longitude: 10 }, { latitude: '10', longitude: 2 }]) {
      assert.deepEqual(extractIndexRowsStrict(at(bad), r4).position, [], JSON.stringify(bad));
    }
    assert.deepEqual(extractIndexRows(at(undefined), r4).position, []);
  });
});

describe('R4 examples', () => {
  const dir = ['node_modules/hl7.fhir.r4.examples/package', 'node_modules/hl7.fhir.r4.examples'].find(
    (d) => existsSync(join(d, 'Patient-example.json')),
  );

  it('extracts every example without throwing and without changing it', { skip: dir === undefined }, () => {
    const byKind: Record<string, number> = {};
    const byType: Record<string, number> = {};
    let resources = 0;
    for (const file of readdirSync(dir ?? '.')) {
      if (!file.endsWith('.json') || file === 'package.json') continue;
      const resource = JSON.parse(readFileSync(join(dir ?? '.', file), 'utf8')) as Resource;
      if (typeof resource.resourceType !== 'string') continue;
      const before = JSON.stringify(resource);
      const all = extractIndexRowsStrict(resource, r4);
      assert.equal(JSON.stringify(resource), before, `${file} was modified`);
      resources++;
      for (const [kind, list] of Object.entries(all)) {
        byKind[kind] = (byKind[kind] ?? 0) + list.length;
        byType[resource.resourceType] = (byType[resource.resourceType] ?? 0) + list.length;
      }
    }
    console.log(`rows from ${resources} example resources, by row kind:`, byKind);
    const top = Object.entries(byType).sort((a, b) => b[1] - a[1]).slice(0, 15);
    console.log('rows by resource type (top 15):', Object.fromEntries(top));
    assert.ok(resources > 1000);
    assert.ok((byKind.reference ?? 0) > 0 && (byKind.date ?? 0) > 0 && (byKind.quantity ?? 0) > 0);
  });
});

describe('performance', () => {
  function averageMicros(resource: Resource, n: number): number {
    for (let i = 0; i < 500; i++) extractIndexRows(resource, r4);
    const start = performance.now();
    for (let i = 0; i < n; i++) extractIndexRows(resource, r4);
    return ((performance.now() - start) / n) * 1000;
  }

  it('extracts a typical Patient and Observation quickly', () => {
    const p = averageMicros(patient, 5000);
    const o = averageMicros(observation, 5000);
    console.log(`average extraction: Patient ${p.toFixed(1)} µs, Observation ${o.toFixed(1)} µs`);
    // generous bound so a loaded CI machine does not flake; the target is ~100 µs
    assert.ok(p < 1000 && o < 1000);
  });
});
