/**
 * The CapabilityStatement at /metadata (FHIR R4 capabilitystatement.html, http.html#capabilities):
 * fhirVersion, every R4 resource type with its interactions and search parameters, system
 * interactions, and a check that the search parameters it advertises really work; then the
 * search basics those parameters promise (search.html): token, string, date, paging, POST _search.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resourceTypes } from '@continuum/fhir';
import { startTestServer, type TestServer } from '../fixtures/server.ts';

let s: TestServer;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let cs: any;
before(async () => {
  s = await startTestServer();
  const res = await s.request('GET', '/metadata');
  assert.equal(res.status, 200);
  cs = res.json;
});
after(async () => {
  await s.close();
});

interface RestResource { type: string; interaction: { code: string }[]; searchParam?: { name: string; type: string }[] }
const resourceOf = (type: string): RestResource => (cs.rest[0].resource as RestResource[]).find((r) => r.type === type)!;

/** A syntactically valid value for a search parameter of `type`. */
const SAMPLE: Record<string, string> = {
  string: 'abc',
  token: 'http://example.org/sys|x',
  date: 'ge2000-01-01',
  number: '1',
  quantity: '5',
  reference: 'Patient/nobody',
  uri: 'http://example.org/x',
  // Fits every R4 composite: the second component as a token, quantity, date (a year) or string.
  composite: 'http://loinc.org|8480-6$2000',
};

describe('CapabilityStatement', () => {
  it('is a FHIR 4.0.1 server statement', () => {
    assert.equal(cs.resourceType, 'CapabilityStatement');
    assert.equal(cs.fhirVersion, '4.0.1');
    assert.equal(cs.kind, 'instance');
    assert.equal(cs.status, 'active');
    // When the statement last changed: built by this process (a test process may run other
    // files' servers first, over the same definitions), so not before it started.
    const date = Date.parse(cs.date as string);
    assert.ok(/^\d{4}-\d\d-\d\dT/.test(cs.date as string) && date >= Math.floor(performance.timeOrigin) - 1000 && date <= Date.now(), `dated when this process built it: ${cs.date}`);
    const release = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    assert.deepEqual(cs.software, { name: 'Continuum', version: release }, 'the release the package names');
    assert.ok((cs.format as string[]).some((f) => f.includes('json')));
    assert.equal(cs.rest.length, 1);
    assert.equal(cs.rest[0].mode, 'server');
  });

  it('lists the patient portal operations under the types they are invoked on', () => {
    const ops = (type: string): string[] => ((resourceOf(type) as RestResource & { operation?: { name: string }[] }).operation ?? []).map((o) => o.name);
    // The contract of docs/portal-*.md: booking on Appointment, the record's summary and its
    // share links on Patient, payment on Invoice, the read receipt on Communication.
    for (const name of ['book', 'cancel', 'reschedule', 'booking-policy']) assert.ok(ops('Appointment').includes(name), `Appointment $${name}`);
    for (const name of ['summary', 'summary-pdf', 'share', 'shares', 'share-revoke', 'message', 'statement', 'request-amendment', 'portal-invite', 'grant-proxy', 'proxies', 'revoke-proxy', 'everything']) assert.ok(ops('Patient').includes(name), `Patient $${name}`);
    assert.ok(ops('Invoice').includes('pay'));
    assert.ok(ops('Communication').includes('mark-read'));
    assert.ok(ops('MedicationRequest').includes('request-refill'));
    assert.ok(ops('Task').includes('decide-amendment'));
    assert.equal(new Set(ops('Patient')).size, ops('Patient').length, 'each operation once');
  });

  it('lists every R4 resource type exactly once', () => {
    const types = (cs.rest[0].resource as RestResource[]).map((r) => r.type);
    assert.equal(types.length, resourceTypes().length);
    assert.equal(new Set(types).size, types.length);
    for (const t of ['Patient', 'Observation', 'Bundle', 'Binary', 'Parameters', 'Questionnaire', 'SubstanceSpecification']) {
      assert.ok(types.includes(t), `${t} is listed`);
    }
  });

  it('lists the instance and type interactions, and transaction and batch', () => {
    const codes = resourceOf('Patient').interaction.map((i) => i.code);
    for (const c of ['read', 'vread', 'update', 'patch', 'delete', 'history-instance', 'history-type', 'create', 'search-type']) {
      assert.ok(codes.includes(c), `Patient interaction ${c}`);
    }
    const system = (cs.rest[0].interaction as { code: string }[]).map((i) => i.code);
    for (const c of ['transaction', 'batch', 'history-system']) assert.ok(system.includes(c), `system interaction ${c}`);
  });

  it('lists Patient search parameters with their types', () => {
    const params = new Map(resourceOf('Patient').searchParam!.map((p) => [p.name, p.type]));
    assert.equal(params.get('name'), 'string');
    assert.equal(params.get('identifier'), 'token');
    assert.equal(params.get('birthdate'), 'date');
    assert.equal(params.get('gender'), 'token');
    assert.equal(params.get('_id'), 'token');
    assert.equal(params.get('_lastUpdated'), 'date');
  });

  it('answers with a Bundle for every advertised parameter of several types', async () => {
    const failures: string[] = [];
    for (const type of ['Patient', 'Observation', 'Encounter', 'Condition', 'MedicationRequest', 'Organization']) {
      for (const p of resourceOf(type).searchParam ?? []) {
        const value = p.name === '_id' ? 'x' : SAMPLE[p.type];
        if (value === undefined) {
          failures.push(`${type}.${p.name}: unexpected type ${p.type}`);
          continue;
        }
        const res = await s.request('GET', `/${type}?${p.name}=${encodeURIComponent(value)}`, { headers: { prefer: 'handling=strict' } });
        if (res.status !== 200 || res.json?.resourceType !== 'Bundle') failures.push(`${type}?${p.name}=${value} -> ${res.status} ${res.text.slice(0, 200)}`);
      }
    }
    assert.deepEqual(failures, []);
  });

  it('answers HEAD and Accept: application/fhir+json', async () => {
    const res = await s.request('GET', '/metadata', { headers: { accept: 'application/fhir+json' } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/fhir\+json/);
  });
});

describe('search basics', () => {
  const sys = `urn:test:search:${randomUUID()}`;
  const family = `Srch${randomUUID().slice(0, 8)}`;
  const ids: string[] = [];
  before(async () => {
    const births = ['1950-01-01', '1970-06-15', '1990-12-31', '2000-01-01', '2010-07-04'];
    for (const [i, birthDate] of births.entries()) {
      const body = { resourceType: 'Patient', identifier: [{ system: sys, value: `v${i}` }], name: [{ family, given: [`G${i}`] }], birthDate };
      const res = await s.request('POST', '/Patient', { body });
      assert.equal(res.status, 201);
      ids.push(res.json.id as string);
    }
  });
  const found = async (query: string): Promise<string[]> => {
    const res = await s.request('GET', `/Patient?${query}`);
    assert.equal(res.status, 200, query);
    assert.equal(res.json.type, 'searchset');
    return ((res.json.entry ?? []) as { resource: { id: string } }[]).map((e) => e.resource.id).sort();
  };

  it('finds by identifier system|value, and by system| alone', async () => {
    assert.deepEqual(await found(`identifier=${encodeURIComponent(`${sys}|v2`)}`), [ids[2]]);
    assert.deepEqual(await found(`identifier=${encodeURIComponent(`${sys}|`)}`), [...ids].sort());
    assert.deepEqual(await found(`identifier=${encodeURIComponent(`${sys}|nope`)}`), []);
  });

  it('finds by name, case-insensitive and by prefix', async () => {
    assert.deepEqual(await found(`name=${family.toLowerCase()}`), [...ids].sort());
    assert.deepEqual(await found(`name=${family.slice(0, 6)}&identifier=${encodeURIComponent(`${sys}|v0`)}`), [ids[0]]);
  });

  it('finds by birthdate with prefixes', async () => {
    const scope = `name=${family}`;
    assert.deepEqual(await found(`${scope}&birthdate=ge1990-12-31`), [ids[2], ids[3], ids[4]].sort());
    assert.deepEqual(await found(`${scope}&birthdate=lt1970`), [ids[0]]);
    assert.deepEqual(await found(`${scope}&birthdate=1970-06`), [ids[1]]);
  });

  it('pages with _count and a next link that reaches every match once', async () => {
    const seen: string[] = [];
    let url: string | undefined = `/Patient?name=${family}&_count=2`;
    let pages = 0;
    while (url) {
      const res = await s.request('GET', url);
      assert.equal(res.status, 200);
      assert.ok(res.json.entry.length <= 2);
      seen.push(...(res.json.entry as { resource: { id: string } }[]).map((e) => e.resource.id));
      url = (res.json.link as { relation: string; url: string }[]).find((l) => l.relation === 'next')?.url;
      pages++;
    }
    assert.equal(pages, 3);
    assert.deepEqual(seen.sort(), [...ids].sort());
  });

  it('POST _search with a form body gives the same result as GET', async () => {
    const query = `name=${family}&birthdate=ge1970-01-01`;
    const post = await s.request('POST', '/Patient/_search', { raw: query, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(post.status, 200);
    const postIds = (post.json.entry as { resource: { id: string } }[]).map((e) => e.resource.id).sort();
    assert.deepEqual(postIds, await found(query));
    assert.equal(postIds.length, 4);
  });
});
