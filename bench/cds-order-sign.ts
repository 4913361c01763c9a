/**
 * `npm run bench -- cds-order-sign [--backend pglite|postgres] [--calls 300]`: how long the
 * `order-sign` hook takes for a patient with 30 active medication orders, 3 allergies, a weight,
 * 20 laboratory results and 5 lab orders. A real server (in this process, on a fresh PGlite or
 * PostgreSQL store) is called over real HTTP, one call at a time, as a physician (the web app's
 * path), each call with one new draft drug (cycling through ten, some of which interact with the
 * record and so produce cards):
 *
 * - fetch: no prefetch, the service reads the record through the FHIR API itself;
 * - prefetch: the client sends the record (read once beforehand), the service reads only the
 *   Patient (to check the caller may see them);
 * - FHIR read: one `GET /fhir/Patient/<id>` as the same user, for scale (every request pays
 *   HTTP, token, access check and a durable audit entry);
 * - ceiling: the same reads (the Patient and the four searches a medication order needs, in
 *   parallel as the service runs them) straight through the repository and search engine on the same database, with no HTTP,
 *   auth, access checks, audit or order checks: what the database and search SQL alone need.
 *
 * Prints median, p95 and p99 in ms, and writes bench/results/cds-order-sign-<backend>-<time>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import type { Bundle, MedicationRequest, Resource } from '@medplum/fhirtypes';
import { machine } from './report.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

/** 30 active medicines: a plausible polypharmacy list (ingredients of the shipped catalogue). */
const ACTIVE = [
  'lisinopril', 'amlodipine', 'metformin', 'atorvastatin', 'levothyroxine', 'omeprazole', 'metoprolol', 'hydrochlorothiazide', 'gabapentin', 'sertraline',
  'furosemide', 'allopurinol', 'tamsulosin', 'finasteride', 'montelukast', 'albuterol', 'fluticasone', 'cetirizine', 'loratadine', 'clopidogrel',
  'warfarin', 'losartan', 'carvedilol', 'spironolactone', 'glipizide', 'pioglitazone', 'donepezil', 'memantine', 'latanoprost', 'clarithromycin',
];
/** The new drug of each call, in turn: some interact with the list above (simvastatin, ibuprofen, tramadol). */
const NEW = ['simvastatin', 'amoxicillin', 'ibuprofen', 'acetaminophen', 'prednisone', 'tramadol', 'cephalexin', 'naproxen', 'azithromycin', 'ciprofloxacin'];

const percentile = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const round = (x: number) => Math.round(x * 100) / 100;
const stats = (xs: readonly number[]) => ({ median: round(percentile(xs, 50)), p95: round(percentile(xs, 95)), p99: round(percentile(xs, 99)), n: xs.length });

function opt(argv: string[], name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : fallback;
}

export async function main(argv: string[]): Promise<void> {
  const backend = opt(argv, 'backend', 'pglite');
  if (backend !== 'pglite' && backend !== 'postgres') throw new Error('--backend is pglite or postgres');
  const calls = Math.max(10, Number(opt(argv, 'calls', '300')));
  // The test fixtures pick the store from this variable when they are first loaded.
  process.env.CONTINUUM_TEST_BACKEND = backend;
  const { startTestServer } = await import('../packages/server/test/fixtures/server.ts');
  const { buildClinic, userToken } = await import('../packages/server/test/auth/fixtures.ts');
  const { codeOf } = await import('../packages/server/test/medications/fixtures.ts');
  const { PREFETCH } = await import('../packages/server/src/cds/services.ts');
  const { Repository } = await import('../packages/server/src/store/repository.ts');
  const { createIndexer } = await import('../packages/server/src/store/indexer.ts');
  const { parseSearch } = await import('@continuum/fhir');

  const server = await startTestServer();
  try {
    const clinic = await buildClinic(server);
    const token = await userToken(server, clinic, 'dr.okafor');
    const med = (ingredient: string, patient: string, status: MedicationRequest['status']): MedicationRequest => {
      const code = codeOf(ingredient);
      return { resourceType: 'MedicationRequest', status, intent: 'order', subject: { reference: `Patient/${patient}` }, medicationCodeableConcept: code ? { coding: [{ system: RXNORM, code }], text: ingredient } : { text: ingredient } };
    };
    const created = await server.request('POST', '/Patient', { body: { resourceType: 'Patient', name: [{ family: 'Bench' }], birthDate: '1948-03-02', gender: 'female' } });
    const patient = String(created.json.id);
    const day = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();
    const record: Resource[] = [
      ...ACTIVE.map((i) => med(i, patient, 'active')),
      ...['Penicillin', 'Sulfa drugs', 'Codeine'].map((text) => ({ resourceType: 'AllergyIntolerance', clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] }, code: { text }, patient: { reference: `Patient/${patient}` } }) as Resource),
      { resourceType: 'Observation', status: 'final', category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }], code: { coding: [{ system: 'http://loinc.org', code: '29463-7' }] }, subject: { reference: `Patient/${patient}` }, effectiveDateTime: day(10), valueQuantity: { value: 71, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' } } as Resource,
      ...Array.from({ length: 20 }, (_, i) => ({ resourceType: 'Observation', status: 'final', category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }], code: { coding: [{ system: 'http://loinc.org', code: ['2345-7', '2160-0', '4548-4', '718-7', '2823-3'][i % 5] }] }, subject: { reference: `Patient/${patient}` }, effectiveDateTime: day(i * 9), valueQuantity: { value: 5 + i, unit: 'mg/dL' } }) as Resource),
      ...Array.from({ length: 5 }, (_, i) => ({ resourceType: 'ServiceRequest', status: 'completed', intent: 'order', code: { coding: [{ system: 'http://loinc.org', code: ['2345-7', '2160-0', '4548-4', '718-7', '2823-3'][i] }] }, subject: { reference: `Patient/${patient}` }, authoredOn: day(i * 20) }) as Resource),
    ];
    const tx: Bundle = { resourceType: 'Bundle', type: 'transaction', entry: record.map((resource) => ({ resource, request: { method: 'POST', url: resource.resourceType } })) };
    const res = await server.request('POST', '', { body: tx });
    if (res.status !== 200) throw new Error(`seeding failed: ${res.status} ${res.text.slice(0, 300)}`);

    const keys = ['medications', 'statements', 'allergies', 'weight', 'labOrders', 'labResults'] as const;
    const queries = keys.map((k) => PREFETCH[k].replace('{{context.patientId}}', patient));
    const prefetch: Record<string, unknown> = {};
    for (const [i, k] of keys.entries()) prefetch[k] = (await server.request('GET', `/${queries[i]}`)).json;
    prefetch.patient = (await server.request('GET', `/Patient/${patient}`)).json;

    const url = `${server.origin}/cds-services/continuum-order-sign`;
    const call = async (i: number, withPrefetch: boolean): Promise<{ ms: number; cards: number }> => {
      const draft = { ...med(NEW[i % NEW.length]!, patient, 'draft'), id: `draft-${i}` };
      const body = { hook: 'order-sign', hookInstance: randomUUID(), context: { userId: `Practitioner/${clinic.practitioner}`, patientId: patient, draftOrders: { resourceType: 'Bundle', type: 'collection', entry: [{ resource: draft }] } }, ...(withPrefetch ? { prefetch } : {}) };
      const t = performance.now();
      const r = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const json = (await r.json()) as { cards?: unknown[] };
      const ms = performance.now() - t;
      if (r.status !== 200) throw new Error(`order-sign answered ${r.status}: ${JSON.stringify(json).slice(0, 300)}`);
      return { ms, cards: json.cards?.length ?? 0 };
    };
    const run = async (withPrefetch: boolean) => {
      for (let i = 0; i < 30; i++) await call(i, withPrefetch); // warm-up
      const times: number[] = [];
      let cards = 0;
      for (let i = 0; i < calls; i++) {
        const r = await call(i, withPrefetch);
        times.push(r.ms);
        cards += r.cards;
      }
      return { ...stats(times), cardsPerCall: round(cards / calls) };
    };
    const fetchMode = await run(false);
    const prefetchMode = await run(true);
    // For scale: one authenticated, audited FHIR read of the Patient over the same HTTP path.
    const readTimes: number[] = [];
    for (let i = 0; i < calls + 30; i++) {
      const t = performance.now();
      const r = await fetch(`${server.base}/Patient/${patient}`, { headers: { authorization: `Bearer ${token}` } });
      await r.text();
      if (i >= 30) readTimes.push(performance.now() - t);
    }
    const read = stats(readTimes);

    // The ceiling: the same reads through the repository and search engine, in parallel.
    const indexer = createIndexer();
    const repo = new Repository({ db: server.database.db, indexer }, clinic.tenant);
    // The service reads the Patient and, for a medication order, these four searches.
    const reads = queries.slice(0, 4).map((q) => {
      const [type, qs] = q.split('?') as [string, string];
      const params = [...new URLSearchParams(qs)];
      const count = Number(params.find(([k]) => k === '_count')?.[1] ?? 50);
      return () => repo.search(parseSearch(type, params.filter(([k]) => k !== '_count'), indexer.registry), { count });
    });
    const ceilingOnce = async () => {
      const t = performance.now();
      await Promise.all([repo.read('Patient', patient), ...reads.map((r) => r())]);
      return performance.now() - t;
    };
    for (let i = 0; i < 30; i++) await ceilingOnce();
    const ceilingTimes: number[] = [];
    for (let i = 0; i < calls; i++) ceilingTimes.push(await ceilingOnce());
    const ceiling = stats(ceilingTimes);

    const lines = [
      `cds-order-sign on ${backend}: ${calls} calls each, one at a time, patient with ${ACTIVE.length} active orders`,
      `  fetch    (no prefetch)  median ${fetchMode.median} ms  p95 ${fetchMode.p95} ms  p99 ${fetchMode.p99} ms  (${fetchMode.cardsPerCall} cards/call)`,
      `  prefetch (sent)         median ${prefetchMode.median} ms  p95 ${prefetchMode.p95} ms  p99 ${prefetchMode.p99} ms`,
      `  FHIR read of Patient    median ${read.median} ms  p95 ${read.p95} ms  p99 ${read.p99} ms  (HTTP + token + access check + audit)`,
      `  ceiling  (reads only)   median ${ceiling.median} ms  p95 ${ceiling.p95} ms  p99 ${ceiling.p99} ms`,
      `  target: order-sign p95 < 50 ms: ${fetchMode.p95 < 50 ? 'met' : 'NOT met'} without prefetch, ${prefetchMode.p95 < 50 ? 'met' : 'NOT met'} with`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
    const dir = join(ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `cds-order-sign-${backend}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), `${JSON.stringify({ suite: 'cds-order-sign', backend, machine: machine(), calls, fetch: fetchMode, prefetch: prefetchMode, patientRead: read, ceiling }, null, 2)}\n`);
  } finally {
    await server.close();
  }
}
