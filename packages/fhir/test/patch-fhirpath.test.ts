// FHIRPath Patch (R4 fhirpatch.html): each operation type, the spec's examples, and every error path.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Observation, Parameters, ParametersParameter, Patient, Questionnaire, Resource } from '@medplum/fhirtypes';
import { OutcomeError } from '../src/outcomes.ts';
import { applyFhirPathPatch } from '../src/patch/fhirpath-patch.ts';

type Op = Record<string, unknown> & { type: string; path: string };

/** Builds the Parameters encoding; `value` is a ready value part (name added here). */
function patch(...ops: Op[]): Parameters {
  return {
    resourceType: 'Parameters',
    parameter: ops.map(({ type, path, name, value, ...ints }) => {
      const part: ParametersParameter[] = [
        { name: 'type', valueCode: type },
        { name: 'path', valueString: path },
      ];
      if (name !== undefined) part.push({ name: 'name', valueString: name as string });
      if (value !== undefined) part.push({ name: 'value', ...(value as object) });
      for (const [k, v] of Object.entries(ints)) part.push({ name: k, valueInteger: v as number });
      return { name: 'operation', part };
    }),
  };
}

function patient(): Patient {
  const json: Patient & { _birthDate?: unknown } = {
    resourceType: 'Patient',
    id: 'p1',
    identifier: [
      { system: 'urn:a', value: '1' },
      { system: 'urn:b', value: '2' },
      { system: 'urn:c', value: '3' },
    ],
    name: [{ family: 'Chalmers', given: ['Peter', 'James'], _given: [null, { id: 'g2' }] } as never],
    birthDate: '1974-12-25',
    _birthDate: { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime', valueDateTime: '1974-12-25T14:35:45-05:00' }] },
  };
  return json;
}

function run<T extends Resource>(resource: T, ...ops: Op[]): T {
  return applyFhirPathPatch(resource, patch(...ops)) as T;
}

function rejects(fn: () => unknown, status: number, text: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof OutcomeError, `expected an OutcomeError, got ${String(err)}`);
    assert.equal(err.status, status, err.message);
    assert.match(err.message, text);
    return true;
  });
}

describe('applyFhirPathPatch: operations', () => {
  it('add a primitive (spec example: Patient birthDate)', () => {
    const input: Patient = { resourceType: 'Patient', id: 'p1', active: true };
    const out = run(input, { type: 'add', path: 'Patient', name: 'birthDate', value: { valueDate: '1930-01-01' } });
    assert.deepEqual(out, { ...input, birthDate: '1930-01-01' });
  });

  it('add an anonymous element from nested parts (spec example: Patient contact)', () => {
    const out = run(patient(), {
      type: 'add',
      path: 'Patient',
      name: 'contact',
      value: {
        part: [
          { name: 'name', valueHumanName: { text: 'a name' } },
          { name: 'telecom', valueContactPoint: { system: 'phone', value: '555' } },
          { name: 'gender', valueCode: 'female' },
        ],
      },
    });
    // contact and telecom repeat in R4, name and gender do not.
    assert.deepEqual(out.contact, [
      { name: { text: 'a name' }, telecom: [{ system: 'phone', value: '555' }], gender: 'female' },
    ]);
  });

  it('add appends to a list that already exists', () => {
    const out = run(patient(), { type: 'add', path: 'Patient', name: 'identifier', value: { valueIdentifier: { value: '4' } } });
    assert.deepEqual(out.identifier?.map((i) => i.value), ['1', '2', '3', '4']);
  });

  it('add to an element selected with where(), including a primitive list', () => {
    const out = run(patient(), { type: 'add', path: "Patient.name.where(family='Chalmers')", name: 'given', value: { valueString: 'Jim' } });
    assert.deepEqual(out.name?.[0]?.given, ['Peter', 'James', 'Jim']);
    assert.deepEqual((out.name?.[0] as Record<string, unknown>)._given, [null, { id: 'g2' }, null]);
  });

  it('add a choice element takes the type suffix from the value', () => {
    const out = run(patient(), { type: 'add', path: 'Patient', name: 'deceased', value: { valueBoolean: false } });
    assert.equal(out.deceasedBoolean, false);
    assert.equal('deceased' in out, false);
  });

  it('add within a recursive element (Questionnaire.item.item)', () => {
    const q: Questionnaire = { resourceType: 'Questionnaire', status: 'draft', item: [{ linkId: '1', type: 'group' }] };
    const out = run(q, {
      type: 'add',
      path: "Questionnaire.item.where(linkId='1')",
      name: 'item',
      value: { part: [{ name: 'linkId', valueString: '1.1' }, { name: 'type', valueCode: 'string' }] },
    });
    assert.deepEqual(out.item?.[0]?.item, [{ linkId: '1.1', type: 'string' }]);
  });

  it('insert at an index, at the end, and into a list that does not exist yet', () => {
    const out = run(
      patient(),
      { type: 'insert', path: 'Patient.identifier', value: { valueIdentifier: { value: 'first' } }, index: 0 },
      { type: 'insert', path: 'Patient.identifier', value: { valueIdentifier: { value: 'last' } }, index: 4 },
      { type: 'insert', path: 'Patient.telecom', value: { valueContactPoint: { value: 't' } }, index: 0 },
      { type: 'insert', path: 'Patient.name.given', value: { valueString: 'P' }, index: 1 },
    );
    assert.deepEqual(out.identifier?.map((i) => i.value), ['first', '1', '2', '3', 'last']);
    assert.deepEqual(out.telecom, [{ value: 't' }]);
    assert.deepEqual(out.name?.[0]?.given, ['Peter', 'P', 'James']);
    assert.deepEqual((out.name?.[0] as Record<string, unknown>)._given, [null, null, { id: 'g2' }]);
  });

  it('delete a primitive with its extensions, a filtered list item, and a list entry', () => {
    const out = run(
      patient(),
      { type: 'delete', path: 'Patient.birthDate' },
      { type: 'delete', path: "Patient.identifier.where(system='urn:b')" },
      { type: 'delete', path: 'Patient.name.given[0]' },
    );
    assert.equal(out.birthDate, undefined);
    assert.equal('_birthDate' in out, false);
    assert.deepEqual(out.identifier?.map((i) => i.value), ['1', '3']);
    assert.deepEqual(out.name?.[0]?.given, ['James']);
    assert.deepEqual((out.name?.[0] as Record<string, unknown>)._given, [{ id: 'g2' }]);
  });

  it('delete of a path matching nothing is a no-op', () => {
    assert.deepEqual(run(patient(), { type: 'delete', path: 'Patient.photo' }), patient());
  });

  it('delete removes lists and objects it leaves empty', () => {
    const out = run(patient(), { type: 'delete', path: 'Patient.name.family' }, { type: 'delete', path: 'Patient.name.given[0]' }, { type: 'delete', path: 'Patient.name.given[0]' });
    assert.equal(out.name, undefined);
  });

  it('replace a primitive, a filtered element, and a nested value', () => {
    const out = run(
      patient(),
      { type: 'replace', path: 'Patient.birthDate', value: { valueDate: '1930-01-01' } },
      { type: 'replace', path: "Patient.identifier.where(system='urn:c')", value: { valueIdentifier: { system: 'urn:z', value: '9' } } },
      { type: 'replace', path: "Patient.identifier.where(system='urn:a').value", value: { valueString: 'one' } },
    );
    assert.equal(out.birthDate, '1930-01-01');
    assert.deepEqual(out.identifier, [
      { system: 'urn:a', value: 'one' },
      { system: 'urn:b', value: '2' },
      { system: 'urn:z', value: '9' },
    ]);
  });

  it('replace a choice element with a value of another type', () => {
    const obs: Observation = { resourceType: 'Observation', status: 'final', code: { text: 'x' }, valueString: 'high' };
    const out = run(obs, { type: 'replace', path: 'Observation.value', value: { valueQuantity: { value: 7, unit: 'mmol/L' } } });
    assert.deepEqual(out.valueQuantity, { value: 7, unit: 'mmol/L' });
    assert.equal('valueString' in out, false);
  });

  it('move within a list, keeping primitive companions aligned', () => {
    const out = run(
      patient(),
      { type: 'move', path: 'Patient.identifier', source: 0, destination: 2 },
      { type: 'move', path: 'Patient.name.given', source: 1, destination: 0 },
    );
    assert.deepEqual(out.identifier?.map((i) => i.value), ['2', '3', '1']);
    assert.deepEqual(out.name?.[0]?.given, ['James', 'Peter']);
    assert.deepEqual((out.name?.[0] as Record<string, unknown>)._given, [{ id: 'g2' }, null]);
  });

  it('never mutates its input, even when a later operation fails', () => {
    const input = patient();
    assert.throws(() => run(input, { type: 'delete', path: 'Patient.birthDate' }, { type: 'replace', path: 'Patient.photo', value: { valueString: 'x' } }));
    assert.deepEqual(input, patient());
  });
});

describe('applyFhirPathPatch: errors', () => {
  const cases: [string, Op, number, RegExp][] = [
    ['add to an existing single element', { type: 'add', path: 'Patient', name: 'birthDate', value: { valueDate: '2000-01-01' } }, 422, /already has a value/],
    ['add where the path matches several', { type: 'add', path: 'Patient.identifier', name: 'use', value: { valueCode: 'usual' } }, 422, /exactly one.*matched 3/],
    ['add where the path matches none', { type: 'add', path: 'Patient.contact', name: 'gender', value: { valueCode: 'male' } }, 422, /matched 0/],
    ['add to a primitive', { type: 'add', path: 'Patient.birthDate', name: 'x', value: { valueString: 'y' } }, 422, /primitive/],
    ['insert beyond the end', { type: 'insert', path: 'Patient.identifier', value: { valueIdentifier: {} }, index: 4 }, 422, /beyond the end/],
    ['insert into a non-list', { type: 'insert', path: 'Patient.birthDate', value: { valueDate: '2000-01-01' }, index: 0 }, 422, /not select a list/],
    ['insert across several lists', { type: 'insert', path: 'Patient.identifier.system', value: { valueUri: 'x' }, index: 0 }, 422, /not select a list|more than one list/],
    ['delete matching several', { type: 'delete', path: 'Patient.identifier' }, 422, /exactly one.*matched 3/],
    ['delete the resource', { type: 'delete', path: 'Patient' }, 422, /resource itself/],
    ['replace matching none', { type: 'replace', path: 'Patient.photo', value: { valueAttachment: {} } }, 422, /matched 0/],
    ['replace matching several', { type: 'replace', path: 'Patient.identifier.value', value: { valueString: 'x' } }, 422, /matched 3/],
    ['move out of range', { type: 'move', path: 'Patient.identifier', source: 0, destination: 3 }, 422, /below 3/],
    ['move on a non-list', { type: 'move', path: 'Patient.birthDate', source: 0, destination: 0 }, 422, /not select a list/],
    ['a computed path', { type: 'delete', path: 'Patient.identifier.count()' }, 422, /computed values/],
    ['an invalid FHIRPath', { type: 'delete', path: 'Patient.name.(' }, 400, /unsupported FHIRPath/],
    ['resolve() across resources', { type: 'delete', path: 'Patient.managingOrganization.resolve()' }, 400, /unsupported FHIRPath/],
    ['replace the id', { type: 'replace', path: 'Patient.id', value: { valueId: 'p2' } }, 400, /may not change the resource's id/],
    ['delete the id', { type: 'delete', path: 'Patient.id' }, 400, /may not change the resource's id/],
    ['add an id', { type: 'add', path: 'Patient', name: 'resourceType', value: { valueString: 'Group' } }, 400, /resourceType/],
  ];
  for (const [label, op, status, text] of cases) {
    it(`${status} for ${label}, naming the operation`, () => {
      const fn = () => run(patient(), { type: 'add', path: 'Patient', name: 'gender', value: { valueCode: 'male' } }, op);
      rejects(fn, status, text);
      rejects(fn, status, /operation 1/);
    });
  }

  const malformed: [string, unknown, RegExp][] = [
    ['a non-Parameters body', { resourceType: 'Patient' }, /Parameters resource/],
    ['a non-object body', [], /Parameters resource/],
    ['a parameter not named operation', { resourceType: 'Parameters', parameter: [{ name: 'op', part: [] }] }, /named "operation"/],
    ['an operation without parts', { resourceType: 'Parameters', parameter: [{ name: 'operation' }] }, /no parts/],
    ['an unknown type', patch({ type: 'upsert', path: 'Patient' }), /"type" must be one of/],
    ['a missing path', patch({ type: 'delete', path: '' }), /"path".*required/],
    ['add without name', patch({ type: 'add', path: 'Patient', value: { valueString: 'x' } }), /"name" is required/],
    ['add without value', patch({ type: 'add', path: 'Patient', name: 'gender' }), /"value" is required/],
    ['insert without index', patch({ type: 'insert', path: 'Patient.identifier', value: { valueIdentifier: {} } }), /"index" is required/],
    ['a negative index', patch({ type: 'insert', path: 'Patient.identifier', value: { valueIdentifier: {} }, index: -1 }), /non-negative/],
    ['move without destination', patch({ type: 'move', path: 'Patient.identifier', source: 0 }), /"destination" is required/],
    ['an unknown part', patch({ type: 'delete', path: 'Patient.gender', value: { valueString: 'x' }, extra: 1 }), /unknown part "extra"/],
    ['an empty value part', patch({ type: 'replace', path: 'Patient.birthDate', value: {} }), /no value\[x\], resource or parts/],
  ];
  for (const [label, body, text] of malformed) {
    it(`400 for ${label}`, () => rejects(() => applyFhirPathPatch(patient(), body as Parameters), 400, text));
  }

  it('400 for a repeated part', () => {
    const body = patch({ type: 'delete', path: 'Patient.gender' });
    body.parameter?.[0]?.part?.push({ name: 'path', valueString: 'Patient.id' });
    rejects(() => applyFhirPathPatch(patient(), body), 400, /more than once/);
  });
});
