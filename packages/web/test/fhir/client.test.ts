/** The shared FHIR client: typed searches, OperationOutcome errors, and 401 ending the session. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { FhirClient, FhirError } from '../../src/fhir/client.ts';

function fake(status: number, body: unknown) {
  const calls: { url: string; headers: Record<string, string> }[] = [];
  const fetchImpl = (async (input: string, init?: RequestInit) => {
    calls.push({ url: input, headers: (init?.headers ?? {}) as Record<string, string> });
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/fhir+json' } });
  }) as typeof fetch;
  return { calls, fetchImpl };
}

it('searches with the bearer token and returns the matches, not the included resources', async () => {
  const { calls, fetchImpl } = fake(200, {
    resourceType: 'Bundle',
    type: 'searchset',
    entry: [
      { resource: { resourceType: 'MedicationRequest', id: 'm1' }, search: { mode: 'match' } },
      { resource: { resourceType: 'Medication', id: 'x' }, search: { mode: 'include' } },
    ],
  });
  const client = new FhirClient({ baseUrl: '/fhir/', token: () => 'tok', onUnauthorized: () => assert.fail('no 401 here'), fetch: fetchImpl });
  const found = await client.searchResources('MedicationRequest', { patient: 'p 1', status: 'active', _count: undefined });
  assert.deepEqual(found.map((r) => r.id), ['m1'], 'only the matches');
  assert.equal(calls[0]?.url, '/fhir/MedicationRequest?patient=p+1&status=active', 'parameters encoded, undefined ones left out');
  assert.equal(calls[0]?.headers.authorization, 'Bearer tok', 'the token is sent');
});

it("raises the server's OperationOutcome text, and reports a 401", async () => {
  const outcome = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'forbidden', diagnostics: 'Your role may not read Observation' }] };
  const client = new FhirClient({ baseUrl: '/fhir', token: () => undefined, onUnauthorized: () => assert.fail('403 is not a lost session'), fetch: fake(403, outcome).fetchImpl });
  await assert.rejects(client.read('Observation', 'o1'), (err: unknown) => err instanceof FhirError && err.status === 403 && err.message === 'Your role may not read Observation', 'the outcome becomes the message');
  let unauthorized = 0;
  const expired = new FhirClient({ baseUrl: '/fhir', token: () => 'old', onUnauthorized: () => unauthorized++, fetch: fake(401, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'login', diagnostics: 'The access token is invalid, expired or revoked' }] }).fetchImpl });
  await assert.rejects(expired.read('Patient', 'p1'), FhirError, 'a 401 still fails the request');
  assert.equal(unauthorized, 1, 'and tells the app to sign in again');
});

it('posts a transaction Bundle to the base with the token', async () => {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const fetchImpl = (async (input: string, init?: RequestInit) => {
    calls.push({ url: input, init });
    return new Response(JSON.stringify({ resourceType: 'Bundle', type: 'transaction-response', entry: [{ response: { status: '201 Created', location: 'Patient/p1/_history/1' } }] }), { status: 200 });
  }) as typeof fetch;
  const client = new FhirClient({ baseUrl: '/fhir/', token: () => 'tok', onUnauthorized: () => assert.fail('no 401 here'), fetch: fetchImpl });
  const answer = await client.transaction({ resourceType: 'Bundle', type: 'transaction', entry: [] });
  assert.equal(answer.type, 'transaction-response', 'the answer Bundle');
  assert.equal(calls[0]?.url, '/fhir', 'posted to the base');
  assert.equal(calls[0]?.init?.method, 'POST', 'a POST');
  const headers = calls[0]?.init?.headers as Record<string, string>;
  assert.equal(headers['content-type'], 'application/fhir+json', 'as FHIR JSON');
  assert.equal(headers.authorization, 'Bearer tok', 'with the token');
  assert.equal(JSON.parse(calls[0]?.init?.body as string).type, 'transaction', 'the Bundle is the body');
});

it('creates, and updates with the version read as If-Match; a 412 is a conflict', async () => {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  let status = 201;
  const fetchImpl = (async (input: string, init?: RequestInit) => {
    calls.push({ url: input, init });
    const body = status === 412
      ? { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'conflict', diagnostics: 'Version 2 is not the current version 3' }] }
      : { ...JSON.parse(init?.body as string), id: 'a1', meta: { versionId: '1' } };
    return new Response(JSON.stringify(body), { status });
  }) as typeof fetch;
  const client = new FhirClient({ baseUrl: '/fhir', token: () => 'tok', onUnauthorized: () => assert.fail('no 401 here'), fetch: fetchImpl });
  const created = await client.create({ resourceType: 'AllergyIntolerance', patient: { reference: 'Patient/p1' } });
  assert.equal(created.id, 'a1', "the server's copy comes back");
  assert.equal(calls[0]?.url, '/fhir/AllergyIntolerance');
  assert.equal(calls[0]?.init?.method, 'POST');
  assert.equal((calls[0]?.init?.headers as Record<string, string>).prefer, 'return=representation', 'asks for the stored resource');

  status = 412;
  const stale = { resourceType: 'AllergyIntolerance' as const, id: 'a1', meta: { versionId: '2' }, patient: { reference: 'Patient/p1' } };
  await assert.rejects(client.update(stale), (err: unknown) => err instanceof FhirError && err.conflict && /not the current version/.test(err.message), 'a stale write is a conflict');
  assert.equal(calls[1]?.url, '/fhir/AllergyIntolerance/a1');
  assert.equal(calls[1]?.init?.method, 'PUT');
  assert.equal((calls[1]?.init?.headers as Record<string, string>)['if-match'], 'W/"2"', 'the version read is the precondition');
});

it("reports activity with the time a request was sent, not when its slow answer came (the server's idle clock starts on arrival)", async () => {
  let release!: () => void;
  const answered = new Promise<void>((resolve) => (release = resolve));
  const fetchImpl = (async () => {
    await answered;
    return new Response(JSON.stringify({ resourceType: 'Patient', id: 'p1' }), { status: 200 });
  }) as unknown as typeof fetch;
  const seen: number[] = [];
  const client = new FhirClient({ baseUrl: '/fhir', token: () => 'tok', onUnauthorized: () => assert.fail('no 401 here'), onActivity: (at) => seen.push(at), fetch: fetchImpl });
  const before = Date.now();
  const reading = client.read('Patient', 'p1');
  await new Promise((resolve) => setTimeout(resolve, 120));
  const answeredAt = Date.now();
  release();
  await reading;
  assert.equal(seen.length, 1, 'one answered request, one report');
  assert.ok(seen[0]! >= before && seen[0]! < answeredAt - 100, `the send time (${seen[0]! - before} ms after the call), not the answer's (${answeredAt - before} ms)`);

  const anonymous: number[] = [];
  const noToken = new FhirClient({ baseUrl: '/fhir', token: () => undefined, onUnauthorized: () => undefined, onActivity: (at) => anonymous.push(at), fetch: fake(200, { resourceType: 'Patient', id: 'p1' }).fetchImpl });
  await noToken.read('Patient', 'p1');
  const expired = new FhirClient({ baseUrl: '/fhir', token: () => 'old', onUnauthorized: () => undefined, onActivity: (at) => anonymous.push(at), fetch: fake(401, {}).fetchImpl });
  await assert.rejects(expired.read('Patient', 'p1'), FhirError);
  assert.deepEqual(anonymous, [], 'no activity without a token, nor for a 401 (the session is gone)');
});
