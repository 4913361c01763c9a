/**
 * SQL injection and wildcard tests for search. A battery of hostile values (quotes, statement
 * terminators, `$1`, dollar quoting, backslashes, LIKE wildcards, unicode, very long text) is sent
 * through every parameter type and modifier, through parameter names, modifiers, chains, `_has`,
 * result parameters and POST `_search`. Every answer must be a 200 search or a 4xx
 * OperationOutcome, never a 500, never with SQL in it. Stored hostile text must be found again
 * exactly (values are bound, not spliced), `%` and `_` must match only themselves, and afterwards
 * every table must still exist with its data.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestResponse, type TestServer } from '../fixtures/server.ts';

const DROP = "'; DROP TABLE resource; --";
const HOSTILE: readonly string[] = [
  "'", "''", '"', DROP, "x' OR '1'='1", "1' OR 1=1 --", "') OR ('1'='1", '$1', '$2::text', '$$ x $$', '$tag$ x $tag$',
  '\\', '\\\\', "\\'", '%', '_', 'a%', '%a%', 'a_c', '[a-z]', '*', '(', ')', ';', '--', '/* x */', "E'\\x41'",
  'Müller', 'Ⅻ𝔘𝔫𝔦𝔠𝔬𝔡𝔢', '👩🏽‍⚕️', 'مرحبا', 'a\u200Bb', '\u202Eevil', 'ǅ', '%25', '%%', '\t', ' ',
  '1e309', '-0', '9'.repeat(400), 'ge', 'gt-', 'eq1|', '||', '|', '$', 'a$b$c', ',', ',,,', '\\,',
  'x'.repeat(2_000), `${'y'.repeat(300)}'; DROP TABLE sp_string; --`,
];

/** Searches as `[type, parameter (with modifier)]`, one per parameter type and modifier. */
const PARAMS: readonly [string, string][] = [
  ['Patient', 'name'], ['Patient', 'name:exact'], ['Patient', 'name:contains'], ['Patient', 'family:missing'],
  ['Patient', 'address'], ['Patient', 'address-city:contains'],
  ['Patient', 'gender'], ['Patient', 'gender:not'], ['Patient', 'identifier'], ['Patient', 'identifier:text'],
  ['Patient', 'identifier:of-type'], ['Observation', 'code'], ['Observation', 'code:text'], ['Observation', 'code:in'],
  ['Observation', 'code:not-in'], ['Observation', 'code:below'], ['Patient', '_id'], ['Patient', '_tag'], ['Patient', '_security:not'],
  ['Patient', 'birthdate'], ['Observation', 'date'], ['Patient', '_lastUpdated'], ['Patient', 'death-date:missing'],
  ['RiskAssessment', 'probability'], ['Observation', 'value-quantity'],
  ['Observation', 'subject'], ['Observation', 'subject:Patient'], ['Observation', 'subject:identifier'], ['Observation', 'patient:missing'],
  ['Patient', '_profile'], ['Patient', '_profile:below'], ['Patient', '_profile:above'], ['ValueSet', 'url'], ['Patient', '_source'],
  ['Observation', 'code-value-quantity'], ['Observation', 'combo-code-value-concept'],
  ['Location', 'near'], ['Location', 'near:missing'], ['Encounter', 'location.near'],
  ['Observation', 'subject:Patient.name'], ['Observation', 'subject.identifier'], ['Observation', 'patient.organization.name'],
  ['Patient', '_has:Observation:subject:code'], ['Patient', '_has:Observation:patient:_has:Provenance:target:agent'],
  ['Patient', '_text'], ['Patient', '_content'], ['Patient', '_list'], ['Patient', '_filter'],
  ['Patient', '_sort'], ['Patient', '_include'], ['Patient', '_revinclude'], ['Patient', '_total'], ['Patient', '_elements'],
  ['Patient', '_summary'], ['Patient', '_count'], ['Patient', '_cursor'], ['Patient', '_contained'],
];

/** Parameter names and modifiers that are themselves hostile. */
const HOSTILE_NAMES: readonly string[] = [
  "name'; DROP TABLE resource; --", 'name:exact\'--', "name:contains') OR 1=1 --", 'subject:Patient\'--.name', "subject:Patient.name'--",
  "_has:Observation:subject'--:code", "_has:Observation:subject:code'; DROP TABLE resource; --", '$1', '%', 'name:$1', "gender:not'",
  `${'p'.repeat(500)}`, 'name:' + 'm'.repeat(500), "code:in'", "_sort'", "_include'",
];

const SQL_LEAK = /syntax error|at or near|relation "|column "|violates|unterminated|invalid input syntax|pg_|\bSELECT\b|\bFROM sp_/i;

interface Probe {
  label: string;
  res: TestResponse;
}

describe('search input cannot inject SQL', () => {
  let server: TestServer;
  const created = new Map<string, string>();

  const family = async (name: string, extra: Record<string, unknown> = {}): Promise<void> => {
    const res = await server.request('POST', '/Patient', { body: { resourceType: 'Patient', name: [{ family: name }], ...extra } });
    assert.equal(res.status, 201, res.text);
    created.set(name, String(res.json.id));
  };

  before(async () => {
    server = await startTestServer();
    for (const name of ['abc', 'a%c', 'a_c', 'a\\c', "O'Brien", DROP, 'Müller', '100%', 'x_y_z']) await family(name);
    await family('tokens', { identifier: [{ system: 'urn:test', value: 'x%y' }, { system: 'urn:test', value: 'p_q' }] });
    await server.request('POST', '/Observation', {
      body: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: `Patient/${created.get('abc')!}` } },
    });
  });
  after(async () => {
    await server?.close();
  });

  async function probeAll(requests: { label: string; path: string; form?: string; headers?: Record<string, string> }[]): Promise<Probe[]> {
    const out: Probe[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < requests.length) {
        const r = requests[next++]!;
        const res = r.form === undefined
          ? await server.request('GET', r.path, { headers: r.headers ?? {} })
          : await server.request('POST', r.path, { raw: r.form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
        out.push({ label: r.label, res });
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    return out;
  }

  /** Each answer must be a 200 searchset or a 4xx OperationOutcome without SQL in it. */
  function judge(probes: Probe[]): string[] {
    const bad: string[] = [];
    for (const { label, res } of probes) {
      const ok200 = res.status === 200 && res.json?.resourceType === 'Bundle';
      const ok4xx = res.status >= 400 && res.status < 500 && res.json?.resourceType === 'OperationOutcome';
      if (!ok200 && !ok4xx) bad.push(`${label}: ${res.status} ${res.text.slice(0, 200)}`);
      else if (ok4xx && SQL_LEAK.test(res.text.replace(/DROP TABLE \w+/g, ''))) bad.push(`${label}: SQL in the answer: ${res.text.slice(0, 300)}`);
    }
    return bad;
  }

  it('answers every hostile value for every parameter type and modifier with 200 or 4xx', async () => {
    const requests = PARAMS.flatMap(([type, param]) =>
      HOSTILE.map((value) => ({ label: `GET ${type}?${param}=${JSON.stringify(value).slice(0, 60)}`, path: `/${type}?${param}=${encodeURIComponent(value)}` })),
    );
    const probes = await probeAll(requests);
    assert.equal(probes.length, PARAMS.length * HOSTILE.length);
    const statuses = new Map<number, number>();
    for (const p of probes) statuses.set(p.res.status, (statuses.get(p.res.status) ?? 0) + 1);
    console.log(`# ${probes.length} hostile searches: ${[...statuses].map(([s, n]) => `${n} × ${s}`).join(', ')}`);
    assert.deepEqual(judge(probes), []);
  });

  it('answers hostile parameter names, modifiers and chains with 200 or 4xx', async () => {
    const requests: { label: string; path: string; headers?: Record<string, string> }[] = HOSTILE_NAMES.flatMap((name) => [
      { label: `GET Patient?${name}=x`, path: `/Patient?${encodeURIComponent(name)}=x` },
      { label: `GET Observation?${name}=${DROP}`, path: `/Observation?${encodeURIComponent(name)}=${encodeURIComponent(DROP)}` },
      { label: `strict GET Patient?${name}=x`, path: `/Patient?${encodeURIComponent(name)}=x`, headers: { prefer: 'handling=strict' } },
    ]);
    requests.push(
      { label: 'hostile resource type', path: `/${encodeURIComponent("Patient'; DROP TABLE resource; --")}?name=x` },
      { label: 'hostile compartment id', path: `/Patient/${encodeURIComponent("1' OR '1'='1")}/Observation` },
      { label: 'hostile _sort list', path: `/Patient?_sort=${encodeURIComponent("-name,' OR 1=1,_id; DROP TABLE resource")}` },
      { label: 'hostile _include target', path: `/Observation?_include=${encodeURIComponent("Observation:subject:Patient'; DROP TABLE resource; --")}` },
      { label: 'hostile _revinclude', path: `/Patient?_revinclude=${encodeURIComponent("Provenance:target'--")}` },
      { label: 'hostile _include iterate', path: `/Observation?_include:iterate=${encodeURIComponent("Patient:organization')--")}` },
    );
    const probes = await probeAll(requests);
    assert.deepEqual(judge(probes), []);
  });

  it('accepts hostile and very long values in POST _search form bodies', async () => {
    const long = 'z'.repeat(100_000);
    const requests = [...HOSTILE, long, `${long}'; DROP TABLE resource; --`].flatMap((value) => [
      { label: `POST Patient/_search name=${JSON.stringify(value).slice(0, 40)}`, path: '/Patient/_search', form: `name=${encodeURIComponent(value)}` },
      { label: `POST Observation/_search code=${JSON.stringify(value).slice(0, 40)}`, path: '/Observation/_search', form: `code=${encodeURIComponent(value)}&subject:Patient.name=${encodeURIComponent(value)}` },
    ]);
    assert.deepEqual(judge(await probeAll(requests)), []);
  });

  it('finds stored hostile text again, exactly', async () => {
    for (const name of [DROP, "O'Brien", 'a\\c', 'Müller']) {
      // A backslash is FHIR's escape character in search values, so a literal one is sent doubled.
      const value = name.replace(/\\/g, '\\\\');
      const res = await server.request('GET', `/Patient?name:exact=${encodeURIComponent(value)}`);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual((res.json.entry ?? []).map((e: { resource: { id: string } }) => e.resource.id), [created.get(name)], `name:exact=${name}`);
    }
  });

  it('treats % and _ as literal characters, never as wildcards', async () => {
    const ids = async (query: string): Promise<string[]> => {
      const res = await server.request('GET', `/Patient?${query}`);
      assert.equal(res.status, 200, `${query}: ${res.text}`);
      return ((res.json.entry ?? []) as { resource: { id: string } }[]).map((e) => e.resource.id).sort();
    };
    const only = (...names: string[]): string[] => names.map((n) => created.get(n)!).sort();
    assert.deepEqual(await ids(`name=${encodeURIComponent('a%')}`), only('a%c'));
    assert.deepEqual(await ids(`name=${encodeURIComponent('a_')}`), only('a_c'));
    assert.deepEqual(await ids(`name=${encodeURIComponent('%')}`), []);
    assert.deepEqual(await ids(`name=${encodeURIComponent('_')}`), []);
    assert.deepEqual(await ids(`name:contains=${encodeURIComponent('%')}`), only('a%c', '100%'));
    assert.deepEqual(await ids(`name:contains=${encodeURIComponent('_')}`), only('a_c', 'x_y_z'));
    assert.deepEqual(await ids(`name:contains=${encodeURIComponent('_y_')}`), only('x_y_z'));
    assert.deepEqual(await ids(`name=${encodeURIComponent('a\\\\')}`), only('a\\c'));
    assert.deepEqual(await ids(`name:exact=${encodeURIComponent('a%c')}`), only('a%c'));
    assert.deepEqual(await ids(`name:exact=${encodeURIComponent('a_c')}`), only('a_c'));
    assert.deepEqual(await ids(`identifier=${encodeURIComponent('x%')}`), []);
    assert.deepEqual(await ids(`identifier=${encodeURIComponent('x%y')}`), only('tokens'));
    assert.deepEqual(await ids(`identifier=${encodeURIComponent('p_q')}`), only('tokens'));
    assert.deepEqual(await ids(`identifier=${encodeURIComponent('pxq')}`), []);
    assert.deepEqual(await ids(`identifier:text=${encodeURIComponent('%')}`), []);
  });

  it('leaves every table in place with its data', async () => {
    const db = server.database.db;
    const tables = ['resource', 'resource_history', 'sp_string', 'sp_token', 'sp_date', 'sp_number', 'sp_quantity', 'sp_reference', 'sp_uri', 'sp_position'];
    for (const table of tables) {
      const res = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`, []);
      assert.ok(res.rows.length === 1, `${table} is gone`);
    }
    const patients = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM resource WHERE resource_type = 'Patient' AND NOT deleted`, []);
    assert.equal(Number(patients.rows[0]!.n), created.size);
    const names = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM sp_string WHERE param = 'family'`, []);
    assert.equal(Number(names.rows[0]!.n), created.size);
    const all = await server.request('GET', '/Patient?_count=100');
    assert.equal((all.json.entry ?? []).length, created.size);
  });
});
