/**
 * Transaction Bundles over real HTTP (FHIR R4 http.html#transaction): all or nothing, `urn:uuid`
 * and conditional reference resolution, conditional creates, the DELETE, POST, PUT, GET
 * processing order, and response entries in request order with status, location and etag.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '../fixtures/server.ts';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.close();
});

const system = () => `urn:test:tx:${randomUUID()}`;
const tx = (entry: unknown[]) => ({ resourceType: 'Bundle', type: 'transaction', entry });
const patient = (sys: string, value: string, extra: Record<string, unknown> = {}) => ({ resourceType: 'Patient', identifier: [{ system: sys, value }], ...extra });
const observation = (subject: string, sys: string) => ({ resourceType: 'Observation', status: 'final', identifier: [{ system: sys, value: 'obs' }], code: { text: 'test' }, subject: { reference: subject } });

async function search(type: string, sys: string, value: string): Promise<{ id: string }[]> {
  const res = await s.request('GET', `/${type}?identifier=${encodeURIComponent(`${sys}|${value}`)}`);
  assert.equal(res.status, 200);
  return ((res.json.entry ?? []) as { resource: { id: string } }[]).map((e) => e.resource);
}

describe('transaction', () => {
  it('rewrites urn:uuid references to the new ids and answers in request order', async () => {
    const sys = system();
    const pUrn = `urn:uuid:${randomUUID()}`;
    const res = await s.request('POST', '', {
      body: tx([
        { fullUrl: `urn:uuid:${randomUUID()}`, resource: observation(pUrn, sys), request: { method: 'POST', url: 'Observation' } },
        { fullUrl: pUrn, resource: patient(sys, 'p'), request: { method: 'POST', url: 'Patient' } },
      ]),
    });
    assert.equal(res.status, 200);
    assert.equal(res.json.type, 'transaction-response');
    const [obsEntry, patEntry] = res.json.entry;
    assert.equal(obsEntry.response.status.split(' ')[0], '201');
    assert.equal(patEntry.response.status.split(' ')[0], '201');
    const patientId = (await search('Patient', sys, 'p'))[0]!.id;
    const obsId = (await search('Observation', sys, 'obs'))[0]!.id;
    assert.match(obsEntry.response.location, new RegExp(`Observation/${obsId}/_history/1$`));
    assert.match(patEntry.response.location, new RegExp(`Patient/${patientId}/_history/1$`));
    assert.equal(patEntry.response.etag, 'W/"1"');
    const obs = await s.request('GET', `/Observation/${obsId}`);
    assert.equal(obs.json.subject.reference, `Patient/${patientId}`);
  });

  it('is all or nothing: one invalid entry fails the bundle and stores nothing', async () => {
    const sys = system();
    const res = await s.request('POST', '', {
      body: tx([
        { resource: patient(sys, 'ok'), request: { method: 'POST', url: 'Patient' } },
        { resource: patient(sys, 'bad', { gender: 'not-a-gender' }), request: { method: 'POST', url: 'Patient' } },
        { resource: patient(sys, 'put', { id: `tx-${randomUUID()}` }), request: { method: 'PUT', url: 'Patient/will-be-replaced' } },
      ]),
    });
    assert.ok(res.status >= 400 && res.status < 500, `status ${res.status}`);
    assert.equal(res.json.resourceType, 'OperationOutcome');
    assert.equal((await search('Patient', sys, 'ok')).length, 0);
    assert.equal((await search('Patient', sys, 'bad')).length, 0);
  });

  it('resolves a conditional reference Patient?identifier=sys|val', async () => {
    const sys = system();
    const made = await s.request('POST', '/Patient', { body: patient(sys, 'cond') });
    const res = await s.request('POST', '', {
      body: tx([{ resource: observation(`Patient?identifier=${sys}|cond`, sys), request: { method: 'POST', url: 'Observation' } }]),
    });
    assert.equal(res.status, 200);
    const obsId = (await search('Observation', sys, 'obs'))[0]!.id;
    assert.equal((await s.request('GET', `/Observation/${obsId}`)).json.subject.reference, `Patient/${made.json.id}`);
  });

  it('fails when a conditional reference matches nothing', async () => {
    const sys = system();
    const res = await s.request('POST', '', {
      body: tx([{ resource: observation(`Patient?identifier=${sys}|nobody`, sys), request: { method: 'POST', url: 'Observation' } }]),
    });
    assert.ok(res.status >= 400 && res.status < 500, `status ${res.status}`);
    assert.equal((await search('Observation', sys, 'obs')).length, 0);
  });

  it('a conditional create run twice yields exactly one resource, and references follow it', async () => {
    const sys = system();
    const bundle = () => {
      const urn = `urn:uuid:${randomUUID()}`;
      return tx([
        { fullUrl: urn, resource: patient(sys, 'once'), request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${sys}|once` } },
        { resource: observation(urn, sys), request: { method: 'POST', url: 'Observation' } },
      ]);
    };
    const first = await s.request('POST', '', { body: bundle() });
    const second = await s.request('POST', '', { body: bundle() });
    assert.equal(first.status, 200);
    assert.equal(second.status, 200);
    assert.equal(first.json.entry[0].response.status.split(' ')[0], '201');
    assert.equal(second.json.entry[0].response.status.split(' ')[0], '200');
    const patients = await search('Patient', sys, 'once');
    assert.equal(patients.length, 1);
    const obs = await s.request('GET', `/Observation?identifier=${encodeURIComponent(`${sys}|obs`)}`);
    const refs = (obs.json.entry as { resource: { subject: { reference: string } } }[]).map((e) => e.resource.subject.reference);
    assert.deepEqual(refs, [`Patient/${patients[0]!.id}`, `Patient/${patients[0]!.id}`]);
  });

  it('fails as a whole when a conditional create matches several resources (412)', async () => {
    const sys = system();
    await s.request('POST', '/Patient', { body: patient(sys, 'twice') });
    await s.request('POST', '/Patient', { body: patient(sys, 'twice') });
    const res = await s.request('POST', '', {
      body: tx([
        { resource: patient(sys, 'other'), request: { method: 'POST', url: 'Patient' } },
        { resource: patient(sys, 'twice'), request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${sys}|twice` } },
      ]),
    });
    assert.equal(res.status, 412);
    assert.equal((await search('Patient', sys, 'other')).length, 0);
    assert.equal((await search('Patient', sys, 'twice')).length, 2);
  });

  it('processes DELETE, POST, PUT, then GET, whatever the entry order', async () => {
    const sys = system();
    const doomed = await s.request('POST', '/Patient', { body: patient(sys, 'doomed') });
    const putId = `tx-${randomUUID()}`;
    const res = await s.request('POST', '', {
      body: tx([
        { request: { method: 'GET', url: `Patient?identifier=${encodeURIComponent(`${sys}|new`)}` } },
        { request: { method: 'GET', url: `Patient/${putId}` } },
        { resource: patient(sys, 'put', { id: putId }), request: { method: 'PUT', url: `Patient/${putId}` } },
        { resource: patient(sys, 'new'), request: { method: 'POST', url: 'Patient' } },
        { request: { method: 'DELETE', url: `Patient/${doomed.json.id}` } },
      ]),
    });
    assert.equal(res.status, 200);
    const entries = res.json.entry;
    assert.equal(entries.length, 5);
    assert.equal(entries[0].response.status.split(' ')[0], '200');
    assert.equal(entries[0].resource.resourceType, 'Bundle');
    assert.equal(entries[0].resource.entry.length, 1, 'the search sees the POSTed patient');
    assert.equal(entries[1].resource.id, putId, 'the read sees the PUT patient');
    assert.equal(entries[2].response.status.split(' ')[0], '201');
    assert.match(entries[2].response.location, new RegExp(`Patient/${putId}/_history/1$`));
    assert.equal(entries[3].response.status.split(' ')[0], '201');
    assert.ok(['200', '204'].includes(entries[4].response.status.split(' ')[0]));
    assert.equal((await s.request('GET', `/Patient/${doomed.json.id}`)).status, 410);
  });

  it('fails as a whole when a PUT entry has a stale If-Match', async () => {
    const sys = system();
    const made = await s.request('POST', '/Patient', { body: patient(sys, 'pinned') });
    const id = made.json.id as string;
    await s.request('PUT', `/Patient/${id}`, { body: patient(sys, 'pinned', { id, gender: 'male' }) });
    const res = await s.request('POST', '', {
      body: tx([
        { resource: patient(sys, 'sibling'), request: { method: 'POST', url: 'Patient' } },
        { resource: patient(sys, 'pinned', { id, gender: 'female' }), request: { method: 'PUT', url: `Patient/${id}`, ifMatch: 'W/"1"' } },
      ]),
    });
    assert.equal(res.status, 412);
    assert.equal((await search('Patient', sys, 'sibling')).length, 0);
    const cur = await s.request('GET', `/Patient/${id}`);
    assert.equal(cur.json.gender, 'male');
    assert.equal(cur.json.meta.versionId, '2');
  });

  it('updates with a current If-Match and reports the new etag', async () => {
    const sys = system();
    const made = await s.request('POST', '/Patient', { body: patient(sys, 'fresh') });
    const id = made.json.id as string;
    const res = await s.request('POST', '', {
      body: tx([{ resource: patient(sys, 'fresh', { id, gender: 'other' }), request: { method: 'PUT', url: `Patient/${id}`, ifMatch: 'W/"1"' } }]),
    });
    assert.equal(res.status, 200);
    assert.equal(res.json.entry[0].response.status.split(' ')[0], '200');
    assert.equal(res.json.entry[0].response.etag, 'W/"2"');
  });

  it('rejects a Bundle that is not a transaction or batch', async () => {
    const res = await s.request('POST', '', { body: { resourceType: 'Bundle', type: 'collection', entry: [] } });
    assert.equal(res.status, 400);
  });
});
