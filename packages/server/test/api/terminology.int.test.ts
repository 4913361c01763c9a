/**
 * Terminology operations over the shipped code lists: `ValueSet/$expand` (GET and POST
 * Parameters) with filter, ranking, paging and its 400s; `CodeSystem/$lookup`; who may use them
 * (401 without a token, 403 for roles that have no use for codes); and the CapabilityStatement.
 * Real server, real database (PGlite or PostgreSQL). Speed is not timed here: tests assert
 * behaviour, benchmarks measure time.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { buildClinic, userToken } from '../auth/fixtures.ts';

const ICD = 'http://hl7.org/fhir/sid/icd-10-cm';
const ICD_VS = `${ICD}?fhir_vs`;
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const LOINC = 'http://loinc.org';
const CVX = 'http://hl7.org/fhir/sid/cvx';

let s: TestServer;
const tokens: Record<string, string> = {};

before(async () => {
  s = await startTestServer();
  const clinic = await buildClinic(s);
  for (const user of ['dr.okafor', 'desk.kim', 'audit.ray', 'alice']) tokens[user] = await userToken(s, clinic, user, 'openid fhirUser user/*.rs patient/*.rs');
});
after(async () => {
  await s.close();
});

const expand = (params: Record<string, string>, token?: string) =>
  s.request('GET', `/ValueSet/$expand?${new URLSearchParams(params).toString()}`, token ? { token } : {});
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const codes = (vs: any): string[] => vs.expansion.contains.map((c: { code: string }) => c.code);

describe('ValueSet/$expand', () => {
  it('finds ICD-10-CM codes by display words, exact code first, then displays starting with the filter', async () => {
    const res = await expand({ url: ICD_VS, filter: 'type 2 diabetes', count: '10' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.resourceType, 'ValueSet');
    const vs = res.json;
    assert.equal(vs.url, ICD_VS);
    assert.ok(vs.expansion.total > 10, `total ${vs.expansion.total}`);
    assert.equal(vs.expansion.offset, 0);
    assert.equal(vs.expansion.contains.length, 10);
    // The category itself is the shortest display starting with the words.
    assert.deepEqual(vs.expansion.contains[0], { system: ICD, code: 'E11', display: 'Type 2 diabetes mellitus' });
    for (const c of vs.expansion.contains) assert.match(c.display, /type 2 diabetes/i);
  });

  it('matches word prefixes in any order, and ignores case and accents', async () => {
    const res = await expand({ url: ICD_VS, filter: 'MELL DIAB typ', count: '100' });
    assert.equal(res.status, 200, res.text);
    assert.ok(codes(res.json).includes('E11.9'));
    const accents = await expand({ url: ICD_VS, filter: 'sjögren' });
    const plain = await expand({ url: ICD_VS, filter: 'SJOGREN' });
    assert.equal(accents.json.expansion.total, plain.json.expansion.total);
    assert.ok(codes(plain.json).includes('M35.00'), 'Sjögren syndrome, unspecified');
  });

  it('puts the exact code first, and finds codes by prefix with or without the dot', async () => {
    const exact = await expand({ url: ICD, filter: 'e11.9' });
    assert.equal(exact.json.expansion.contains[0].code, 'E11.9');
    assert.equal(exact.json.expansion.contains[0].display, 'Type 2 diabetes mellitus without complications');
    const undotted = await expand({ url: ICD_VS, filter: 'E119' });
    assert.equal(undotted.json.expansion.contains[0].code, 'E11.9');
    const prefix = await expand({ url: ICD_VS, filter: 'I10', count: '5' });
    assert.equal(prefix.json.expansion.contains[0].code, 'I10');
    assert.equal(prefix.json.expansion.contains[0].display, 'Essential (primary) hypertension');
  });

  it('ranks displays starting with the filter before the others, each shorter first', async () => {
    const res = await expand({ url: `${RXNORM}?fhir_vs`, filter: 'metformin', count: '100' });
    const displays: string[] = res.json.expansion.contains.map((c: { display: string }) => c.display);
    const starting = displays.filter((d) => d.toLowerCase().startsWith('metformin'));
    const others = displays.filter((d) => !d.toLowerCase().startsWith('metformin'));
    assert.ok(starting.length > 2 && others.length > 2, `${starting.length} + ${others.length}`);
    assert.deepEqual(displays, [...starting, ...others]);
    for (const group of [starting, others]) {
      const lengths = group.map((d) => d.length);
      assert.deepEqual(lengths, [...lengths].sort((a, b) => a - b));
    }
  });

  it('pages with count and offset, and caps count at 100', async () => {
    const first = await expand({ url: ICD_VS, filter: 'fracture', count: '5' });
    const second = await expand({ url: ICD_VS, filter: 'fracture', count: '5', offset: '5' });
    const both = await expand({ url: ICD_VS, filter: 'fracture', count: '10' });
    assert.deepEqual([...codes(first.json), ...codes(second.json)], codes(both.json));
    assert.equal(second.json.expansion.offset, 5);
    const capped = await expand({ url: ICD_VS, filter: 'fracture', count: '5000' });
    assert.equal(capped.status, 200);
    assert.equal(capped.json.expansion.contains.length, 100);
    assert.ok(capped.json.expansion.total > 1000);
    const past = await expand({ url: ICD_VS, filter: 'fracture', offset: '999999' });
    assert.equal(past.json.expansion.contains.length, 0);
  });

  it('accepts POST with a Parameters body', async () => {
    const res = await s.request('POST', '/ValueSet/$expand', {
      body: { resourceType: 'Parameters', parameter: [{ name: 'url', valueUri: `${CVX}?fhir_vs` }, { name: 'filter', valueString: 'influenza' }, { name: 'count', valueInteger: 3 }] },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.expansion.contains.length, 3);
    for (const c of res.json.expansion.contains) {
      assert.equal(c.system, CVX);
      assert.match(c.display, /influenza/i);
    }
  });

  it('serves LOINC by http://loinc.org/vs, with the demo data supplement included', async () => {
    const res = await expand({ url: 'http://loinc.org/vs', filter: 'diastolic blood' });
    assert.ok(codes(res.json).includes('8462-4'), 'Diastolic blood pressure (from the supplement)');
    const rx = await expand({ url: RXNORM, filter: 'penicillin' });
    assert.equal(rx.json.expansion.contains[0].code, '70618');
  });

  it('answers bad input with a 400 OperationOutcome', async () => {
    const cases: Record<string, string>[] = [
      {},
      { url: 'http://example.org/fhir/ValueSet/unknown' },
      { url: ICD_VS, filter: 'a' },
      { url: ICD_VS, filter: ' . ' },
      { url: ICD_VS, filter: 'diabetes', count: '-1' },
      { url: ICD_VS, filter: 'diabetes', count: 'ten' },
      { url: ICD_VS, filter: 'diabetes', offset: '1.5' },
      { url: ICD_VS, valueSet: 'x' },
    ];
    for (const params of cases) {
      const res = await expand(params);
      assert.equal(res.status, 400, `${JSON.stringify(params)}: ${res.text}`);
      assert.equal(res.json.resourceType, 'OperationOutcome');
      assert.ok(res.json.issue[0].diagnostics.length > 10);
    }
    const notParameters = await s.request('POST', '/ValueSet/$expand', { body: { resourceType: 'Patient' } });
    assert.equal(notParameters.status, 400);
    const twice = await s.request('GET', `/ValueSet/$expand?url=${encodeURIComponent(ICD_VS)}&filter=ab&filter=cd`);
    assert.equal(twice.status, 400);
  });
});

describe('CodeSystem/$lookup', () => {
  it('answers the display of a known code', async () => {
    const res = await s.request('GET', `/CodeSystem/$lookup?system=${encodeURIComponent(LOINC)}&code=2345-7`);
    assert.equal(res.status, 200, res.text);
    const params = new Map(res.json.parameter.map((p: { name: string; valueString?: string }) => [p.name, p.valueString]));
    assert.equal(params.get('name'), 'LOINC');
    assert.match(String(params.get('display')), /^Glucose \[Mass\/volume\] in Serum or Plasma/);
  });

  it('takes a coding in a Parameters body', async () => {
    const res = await s.request('POST', '/CodeSystem/$lookup', { body: { resourceType: 'Parameters', parameter: [{ name: 'coding', valueCoding: { system: CVX, code: '08' } }] } });
    assert.equal(res.status, 200, res.text);
    assert.match(res.json.parameter.find((p: { name: string }) => p.name === 'display').valueString, /hep b/i);
  });

  it('finds every code of the demo data supplement', async () => {
    const url = new URL('../../../synth/terminology/supplement.tsv', import.meta.url);
    const rows = readFileSync(url, 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
    const shipped = readFileSync(new URL('../../terminology/supplement.tsv', import.meta.url), 'utf8');
    // The demo data's rows come first and unchanged; the medication knowledge appends ingredient codes (NOTICE.md).
    assert.ok(shipped.startsWith(readFileSync(url, 'utf8')), 'the server ships the generator supplement first and unchanged');
    const uri: Record<string, string> = { loinc: LOINC, rxnorm: RXNORM };
    for (const [table, code, display] of rows) {
      const res = await s.request('GET', `/CodeSystem/$lookup?system=${encodeURIComponent(uri[table!]!)}&code=${encodeURIComponent(code!)}`);
      assert.equal(res.status, 200, `${table} ${code}`);
      assert.equal(res.json.parameter.find((p: { name: string }) => p.name === 'display').valueString, display);
    }
  });

  it('answers 404 for an unknown code and 400 for an unknown system or missing input', async () => {
    assert.equal((await s.request('GET', `/CodeSystem/$lookup?system=${encodeURIComponent(ICD)}&code=ZZZ.99`)).status, 404);
    assert.equal((await s.request('GET', `/CodeSystem/$lookup?system=http://example.org/x&code=1`)).status, 400);
    assert.equal((await s.request('GET', `/CodeSystem/$lookup?code=E11`)).status, 400);
    const res = await s.request('GET', `/CodeSystem/$lookup?system=${encodeURIComponent(ICD)}`);
    assert.equal(res.status, 400);
    assert.equal(res.json.resourceType, 'OperationOutcome');
  });
});

describe('terminology access', () => {
  it('needs a token', async () => {
    const res = await s.request('GET', `/ValueSet/$expand?url=${encodeURIComponent(ICD_VS)}&filter=asthma`, { anonymous: true });
    assert.equal(res.status, 401);
    assert.equal(res.json.resourceType, 'OperationOutcome');
    assert.equal((await s.request('GET', `/CodeSystem/$lookup?system=${encodeURIComponent(ICD)}&code=E11`, { anonymous: true })).status, 401);
  });

  it('serves clinicians and front desk; refuses auditors and patients', async () => {
    for (const [user, status] of [['dr.okafor', 200], ['desk.kim', 200], ['audit.ray', 403], ['alice', 403]] as const) {
      const res = await expand({ url: ICD_VS, filter: 'asthma' }, tokens[user]);
      assert.equal(res.status, status, `${user}: ${res.text.slice(0, 200)}`);
      const lookup = await s.request('GET', `/CodeSystem/$lookup?system=${encodeURIComponent(ICD)}&code=J45`, { token: tokens[user]! });
      assert.equal(lookup.status, status, `${user} $lookup`);
    }
  });

  it('refuses a token whose scopes do not read ValueSet', async () => {
    const token = await s.systemToken('system/Patient.rs');
    assert.equal((await expand({ url: ICD_VS, filter: 'asthma' }, token)).status, 403);
  });

  it('is listed in the CapabilityStatement', async () => {
    const cs = (await s.request('GET', '/metadata', { anonymous: true })).json;
    const ops = (type: string): string[] => cs.rest[0].resource.find((r: { type: string }) => r.type === type).operation.map((o: { name: string }) => o.name);
    assert.ok(ops('ValueSet').includes('expand'));
    assert.ok(ops('CodeSystem').includes('lookup'));
  });
});
