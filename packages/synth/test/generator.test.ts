/**
 * Determinism, FHIR validity and referential integrity of generated populations: the same seed
 * gives byte-identical JSON, a different seed different output, the stream equals single
 * bundles, every resource passes the R4 validator, every reference resolves, NPIs pass the Luhn
 * check. Also logs throughput (no timing assertion).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadDefinitions, validateResource } from '@continuum/fhir';
import type { Practitioner } from '@medplum/fhirtypes';
import { demoStaff, directoryBundle, isValidNpi, patientBundle, patientBundles } from '../src/index.ts';
import { references, resources } from './fixtures.ts';

const options = { seed: 'test-seed', patients: 500 };

describe('determinism', () => {
  it('gives byte-identical output for the same options', () => {
    assert.equal(JSON.stringify(directoryBundle(options)), JSON.stringify(directoryBundle({ ...options })));
    for (const i of [0, 7, 123, 499]) {
      assert.equal(JSON.stringify(patientBundle(options, i)), JSON.stringify(patientBundle({ ...options }, i)));
    }
  });

  it('changes with the seed and with now', () => {
    const other = { ...options, seed: 'another-seed' };
    assert.notEqual(JSON.stringify(directoryBundle(options)), JSON.stringify(directoryBundle(other)));
    assert.notEqual(JSON.stringify(patientBundle(options, 3)), JSON.stringify(patientBundle(other, 3)));
    assert.notEqual(JSON.stringify(patientBundle(options, 3)), JSON.stringify(patientBundle({ ...options, now: '2025-06-01T00:00:00Z' }, 3)));
    assert.notEqual(JSON.stringify(patientBundle({ seed: 1, patients: 5 }, 0)), JSON.stringify(patientBundle({ seed: '1', patients: 5 }, 0)));
  });

  it('streams the same bundles as single calls', () => {
    const streamed = [...patientBundles(options, 5, 8)].map((b) => JSON.stringify(b));
    assert.deepEqual(streamed, [5, 6, 7].map((i) => JSON.stringify(patientBundle(options, i))));
    assert.equal([...patientBundles({ seed: 'x', patients: 3 })].length, 3);
    assert.throws(() => patientBundle(options, 500), RangeError);
  });
});

describe('validity', () => {
  loadDefinitions();
  const directory = directoryBundle(options);
  const known = new Set(resources(directory).map((r) => `${r.resourceType}/${r.id ?? ''}`));

  it('emits transaction bundles of PUT entries with unique ids', () => {
    for (const b of [directory, patientBundle(options, 1)]) {
      assert.equal(b.type, 'transaction');
      const urls = new Set<string>();
      for (const e of b.entry ?? []) {
        assert.equal(e.request?.method, 'PUT');
        assert.equal(e.request?.url, `${e.resource?.resourceType}/${e.resource?.id}`);
        assert.ok(!urls.has(e.request.url), `duplicate ${e.request.url}`);
        urls.add(e.request.url);
      }
    }
  });

  it('passes the R4 validator and resolves every reference (directory + 100 patients)', () => {
    const problems: string[] = [];
    let count = 0;
    const check = (all: ReturnType<typeof resources>, scope: Set<string>): void => {
      for (const r of all) {
        count++;
        for (const i of validateResource(r, { allowConditionalReferences: false })) {
          problems.push(`${r.resourceType}/${r.id}: ${i.diagnostics ?? ''} @ ${i.expression?.join(',') ?? ''}`);
        }
        for (const ref of references(r)) if (!scope.has(ref)) problems.push(`${r.resourceType}/${r.id}: unresolved ${ref}`);
      }
    };
    check(resources(directory), known);
    for (const b of patientBundles(options, 0, 100)) {
      const all = resources(b);
      check(all, new Set([...known, ...all.map((r) => `${r.resourceType}/${r.id ?? ''}`)]));
    }
    assert.deepEqual(problems.slice(0, 20), []);
    // The validator is live: a broken resource is rejected.
    assert.ok(validateResource({ resourceType: 'Observation', status: 'bogus', code: {} }).length > 0);
    assert.ok(count > 10_000, `validated ${count} resources`);
  });

  it('gives practitioners and organizations valid NPIs and demo staff from the directory', () => {
    const practitioners = resources(directory).filter((r): r is Practitioner => r.resourceType === 'Practitioner');
    const npis = resources(directory).flatMap((r) => ('identifier' in r ? r.identifier ?? [] : []))
      .filter((i) => i.system === 'http://hl7.org/fhir/sid/us-npi').map((i) => i.value ?? '');
    assert.ok(npis.length >= 20);
    for (const n of npis) assert.ok(isValidNpi(n), n);
    assert.ok(isValidNpi('1234567893'), 'CMS example NPI');
    const staff = demoStaff(options);
    for (const role of ['physician', 'nurse', 'front-desk', 'biller', 'admin'] as const) assert.ok(staff.some((s) => s.role === role), role);
    for (const s of staff) assert.ok(practitioners.some((p) => p.id === s.practitionerId));
  });
});

describe('throughput', () => {
  it('logs resources per second', () => {
    const started = performance.now();
    let n = 0;
    for (const b of patientBundles({ seed: 'speed', patients: 300 })) n += b.entry?.length ?? 0;
    const perSecond = Math.round(n / ((performance.now() - started) / 1000));
    console.log(`# synth throughput: ${n} resources at ${perSecond} resources/s`);
    assert.ok(n > 0);
  });
});
