// JSON Patch (RFC 6902) on FHIR resources: every op kind, purity, and the 400/422 split.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Patient } from '@medplum/fhirtypes';
import { OutcomeError } from '../src/outcomes.ts';
import { applyJsonPatch } from '../src/patch/json-patch.ts';

function patient(): Patient {
  return {
    resourceType: 'Patient',
    id: 'p1',
    active: true,
    name: [{ family: 'Chalmers', given: ['Peter', 'James'] }],
    identifier: [{ system: 'urn:mrn', value: '1' }],
  };
}

function rejects(fn: () => unknown, status: number, text: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof OutcomeError, 'expected an OutcomeError');
    assert.equal(err.status, status);
    assert.match(err.message, text);
    assert.equal(err.outcome.resourceType, 'OperationOutcome');
    return true;
  });
}

describe('applyJsonPatch', () => {
  it('applies add, remove, replace, move, copy and test in order', () => {
    const out = applyJsonPatch(patient(), [
      { op: 'test', path: '/active', value: true },
      { op: 'add', path: '/gender', value: 'male' },
      { op: 'add', path: '/name/0/given/-', value: 'Jim' },
      { op: 'replace', path: '/name/0/family', value: 'Chalmer' },
      { op: 'remove', path: '/active' },
      { op: 'move', from: '/name/0/given/2', path: '/name/0/given/0' },
      { op: 'copy', from: '/identifier/0', path: '/identifier/-' },
    ]) as Patient;
    assert.deepEqual(out, {
      resourceType: 'Patient',
      id: 'p1',
      gender: 'male',
      name: [{ family: 'Chalmer', given: ['Jim', 'Peter', 'James'] }],
      identifier: [
        { system: 'urn:mrn', value: '1' },
        { system: 'urn:mrn', value: '1' },
      ],
    });
  });

  it('never mutates its input, even when the patch fails halfway', () => {
    const input = patient();
    const before = structuredClone(input);
    applyJsonPatch(input, [{ op: 'add', path: '/name/0/given/-', value: 'x' }]);
    assert.throws(() =>
      applyJsonPatch(input, [
        { op: 'remove', path: '/active' },
        { op: 'test', path: '/gender', value: 'female' },
      ]),
    );
    assert.deepEqual(input, before);
  });

  it('accepts an empty patch', () => {
    assert.deepEqual(applyJsonPatch(patient(), []), patient());
  });

  describe('400 for something that is not a valid patch', () => {
    for (const [label, body] of [
      ['an object', { op: 'add', path: '/gender', value: 'male' }],
      ['a string', 'nope'],
      ['null', null],
    ] as const) {
      it(`rejects ${label} as the body`, () => rejects(() => applyJsonPatch(patient(), body), 400, /array/));
    }
    it('rejects a non-object operation', () => rejects(() => applyJsonPatch(patient(), [42]), 400, /operation 0/));
    it('rejects an unknown op', () =>
      rejects(() => applyJsonPatch(patient(), [{ op: 'frobnicate', path: '/x' }]), 400, /operation 0/));
    it('rejects a missing path', () =>
      rejects(() => applyJsonPatch(patient(), [{ op: 'remove' }]), 400, /path/));
    it('rejects add without a value', () =>
      rejects(() => applyJsonPatch(patient(), [{ op: 'add', path: '/gender' }]), 400, /operation 0/));
    it('rejects move without from', () =>
      rejects(() => applyJsonPatch(patient(), [{ op: 'move', path: '/gender' }]), 400, /operation 0/));
    it('rejects prototype pollution', () =>
      rejects(() => applyJsonPatch(patient(), [{ op: 'add', path: '/__proto__/x', value: 1 }]), 400, /proto/));
  });

  describe('400 for changes to resourceType or id', () => {
    const ops = [
      { op: 'replace', path: '/id', value: 'other' },
      { op: 'remove', path: '/id' },
      { op: 'add', path: '/id', value: 'other' },
      { op: 'replace', path: '/resourceType', value: 'Practitioner' },
      { op: 'copy', from: '/name/0/family', path: '/id' },
      { op: 'move', from: '/id', path: '/language' },
      { op: 'replace', path: '', value: { resourceType: 'Patient', id: 'other' } },
    ];
    for (const op of ops) {
      it(`rejects ${op.op} ${op.path || '(root)'}${op.from ? ` from ${op.from}` : ''}`, () =>
        rejects(() => applyJsonPatch(patient(), [op]), 400, /resourceType or id/));
    }
    it('still allows testing the id', () => {
      assert.deepEqual(applyJsonPatch(patient(), [{ op: 'test', path: '/id', value: 'p1' }]), patient());
    });
  });

  describe('422 for a patch that does not fit the resource', () => {
    it('reports a failing test op with its index', () =>
      rejects(
        () =>
          applyJsonPatch(patient(), [
            { op: 'add', path: '/gender', value: 'male' },
            { op: 'test', path: '/gender', value: 'female' },
          ]),
        422,
        /operation 1 \(test \/gender\).*Test operation failed/,
      ));
    it('reports removing a path that does not exist', () =>
      rejects(() => applyJsonPatch(patient(), [{ op: 'remove', path: '/birthDate' }]), 422, /does not exist/));
    it('reports replacing a path that does not exist', () =>
      rejects(() => applyJsonPatch(patient(), [{ op: 'replace', path: '/gender', value: 'x' }]), 422, /operation 0/));
    it('reports adding under a missing parent', () =>
      rejects(() => applyJsonPatch(patient(), [{ op: 'add', path: '/contact/0/name', value: {} }]), 422, /operation 0/));
    it('reports an array index out of bounds', () =>
      rejects(() => applyJsonPatch(patient(), [{ op: 'add', path: '/name/5', value: {} }]), 422, /operation 0/));
    it('reports moving from a path that does not exist', () =>
      rejects(() => applyJsonPatch(patient(), [{ op: 'move', from: '/photo', path: '/gender' }]), 422, /operation 0/));
  });
});
