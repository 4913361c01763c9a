/**
 * The server assigns an MRN to a Patient created without one: by POST, by a conditional create
 * that creates, and by a transaction's POST entries (each its own number, rolled back with the
 * Bundle when it fails). A Patient that brings its own MRN keeps it, PUT assigns none, and a
 * number someone typed by hand for another patient is skipped. Runs on PGlite or PostgreSQL
 * (CONTINUUM_TEST_BACKEND).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { randomUUID } from 'node:crypto';
import type { Bundle, Identifier, Patient } from '@medplum/fhirtypes';
import { formatMrn, MRN_SYSTEM } from '../../src/store/mrn.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.close();
});

const MRN_SHAPE = /^M\d{3}-\d{7}$/;
const mrnsOf = (p: Patient): Identifier[] => (p.identifier ?? []).filter((i) => i.system === MRN_SYSTEM);
const patient = (extra: Partial<Patient> = {}): Patient => ({ resourceType: 'Patient', name: [{ family: `Mrn${randomUUID().slice(0, 8)}` }], ...extra });
const number = (value: string): number => Number(value.slice(1, 4)) * 10_000_000 + Number(value.slice(5));

async function byMrn(value: string): Promise<Patient[]> {
  const res = await s.request('GET', `/Patient?identifier=${encodeURIComponent(`${MRN_SYSTEM}|${value}`)}`);
  assert.equal(res.status, 200);
  return (res.json.entry ?? []).map((e: { resource: Patient }) => e.resource);
}

describe('server-assigned MRN', () => {
  it('formats the n-th number like the demo MRNs', () => {
    assert.equal(formatMrn(1), 'M000-0000001');
    assert.equal(formatMrn(12_345_678), 'M001-2345678');
  });

  it('gives a Patient POSTed without an MRN the next one, searchable, typed MR', async () => {
    const a = await s.request('POST', '/Patient', { body: patient() });
    const b = await s.request('POST', '/Patient', { body: patient() });
    assert.equal(a.status, 201);
    const [ma] = mrnsOf(a.json);
    const [mb] = mrnsOf(b.json);
    assert.match(ma?.value ?? '', MRN_SHAPE);
    assert.equal(ma?.type?.coding?.[0]?.code, 'MR');
    assert.ok(number(mb!.value!) > number(ma.value!), `${mb?.value} follows ${ma?.value}`);
    assert.deepEqual((await byMrn(ma.value!)).map((p) => p.id), [a.json.id]);
    const read = await s.request('GET', `/Patient/${a.json.id}`);
    assert.deepEqual(mrnsOf(read.json), [ma], 'the stored Patient holds it');
  });

  it('keeps an MRN the client sends, and assigns none on PUT', async () => {
    const own = await s.request('POST', '/Patient', { body: patient({ identifier: [{ system: MRN_SYSTEM, value: 'FD-20931' }] }) });
    assert.deepEqual(mrnsOf(own.json).map((i) => i.value), ['FD-20931']);
    const synthetic = { system: 'urn:continuum:synth:mrn', value: 'S1-1', type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] } };
    const typed = await s.request('POST', '/Patient', { body: patient({ identifier: [synthetic] }) });
    assert.deepEqual(typed.json.identifier, [synthetic], 'an MR-typed identifier of any system counts');
    const id = randomUUID();
    const put = await s.request('PUT', `/Patient/${id}`, { body: { ...patient(), id } });
    assert.equal(put.status, 201);
    assert.equal(put.json.identifier, undefined);
  });

  it('skips a number already typed by hand for another patient', async () => {
    const probe = await s.request('POST', '/Patient', { body: patient() });
    const next = formatMrn(number(mrnsOf(probe.json)[0]!.value!) + 1);
    const manual = await s.request('POST', '/Patient', { body: patient({ identifier: [{ system: MRN_SYSTEM, value: next }] }) });
    assert.equal(manual.status, 201);
    const after = await s.request('POST', '/Patient', { body: patient() });
    const value = mrnsOf(after.json)[0]!.value!;
    assert.notEqual(value, next);
    assert.equal((await byMrn(next)).length, 1, 'the hand-typed MRN stays unique');
    assert.equal((await byMrn(value)).length, 1);
  });

  it('assigns in a conditional create that creates, and not in one that matches', async () => {
    const sys = `urn:test:mrn:${randomUUID()}`;
    const headers = { 'if-none-exist': `identifier=${sys}|X1` };
    const first = await s.request('POST', '/Patient', { body: patient({ identifier: [{ system: sys, value: 'X1' }] }), headers });
    assert.equal(first.status, 201);
    const [assigned] = mrnsOf(first.json);
    assert.match(assigned?.value ?? '', MRN_SHAPE);
    const again = await s.request('POST', '/Patient', { body: patient({ identifier: [{ system: sys, value: 'X1' }] }), headers });
    assert.equal(again.status, 200);
    assert.equal(again.json.id, first.json.id);
    assert.deepEqual(mrnsOf(again.json), [assigned]);
  });

  it('assigns one per Patient in a transaction, and none survives a failed one', async () => {
    const tx = (entries: Bundle['entry']): Bundle => ({ resourceType: 'Bundle', type: 'transaction', entry: entries });
    const post = (fullUrl: string, p: Patient) => ({ fullUrl, resource: p, request: { method: 'POST' as const, url: 'Patient' } });
    const ok = await s.request('POST', '/', { body: tx([post('urn:uuid:a', patient()), post('urn:uuid:b', patient())]) });
    assert.equal(ok.status, 200, ok.text);
    const values = (ok.json.entry as { resource: Patient }[]).map((e) => mrnsOf(e.resource)[0]?.value);
    assert.equal(values.length, 2);
    for (const v of values) assert.match(v ?? '', MRN_SHAPE);
    assert.notEqual(values[0], values[1]);

    const family = `Rolled${randomUUID().slice(0, 8)}`;
    const bad = await s.request('POST', '/', { body: tx([post('urn:uuid:c', patient({ name: [{ family }] })), { fullUrl: 'urn:uuid:d', resource: { resourceType: 'Observation' } as never, request: { method: 'POST', url: 'Observation' } }]) });
    assert.ok(bad.status >= 400 && bad.status < 500, `a bad entry fails the Bundle with a 4xx (${bad.status})`);
    assert.equal(bad.json.resourceType, 'OperationOutcome');
    const left = await s.request('GET', `/Patient?family=${family}`);
    assert.equal((left.json.entry ?? []).length, 0, 'nothing of the failed Bundle was written');
  });
});
