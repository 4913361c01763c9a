/**
 * Searches anchored on one patient, one identifier or one string prefix run as named statements,
 * so that PostgreSQL may keep one generic plan for them instead of planning each (planning costs
 * more than running such a search). Their other criteria are per-row tests, so the plan cannot
 * drive from a code, category or date index whatever values come next. Here, on PostgreSQL, the
 * database is set to use generic plans from the first execution (`plan_cache_mode =
 * force_generic_plan`), and every search is checked against the matches worked out from the data
 * in JavaScript; on PGlite (no prepared statements) the same SQL runs unnamed. Searches without
 * such an anchor stay unnamed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { Observation, Resource } from '@medplum/fhirtypes';
import { loadDefinitions, parseSearch, SearchParamRegistry } from '@continuum/fhir';
import type { Database, Queryable } from '../../src/db/database.ts';
import { runSearch } from '../../src/search/search.ts';
import { successor } from '../../src/search/sql-criteria.ts';
import { createIndexer } from '../../src/store/indexer.ts';
import { openStoreDatabase } from '../../src/store/open-store.ts';
import { Repository } from '../../src/store/repository.ts';
import { backend, createTestDatabase, type TestDatabase } from '../fixtures/backend.ts';

const TENANT = 'plans';
const registry = SearchParamRegistry.r4();
const CODES = ['8867-4', '8480-6', '2339-0'];
const LOINC = 'http://loinc.org';
const PATIENTS = ['pa', 'pb', 'pc', 'pd'];
const MRN = 'urn:example:mrn';

/** Patients to find by name: accents, case, a LIKE wildcard character in a name, given names. */
const NAMED = [
  { id: 'na', family: 'Müller', given: ['Anna'], birthDate: '1980-05-01' },
  { id: 'nb', family: 'Muller', given: ['Jon'], birthDate: '1980-05-02' },
  { id: 'nc', family: 'Mull_er', given: ['Ines'], birthDate: '1980-05-01' },
  { id: 'nd', family: 'Mullins', given: ['Mullah'], birthDate: '1975-01-31' },
  { id: 'ne', family: 'Smith', given: ['Mulberry', 'Ann'], birthDate: '1980-05-01' },
];
/** Case and accents folded, as R4's string search compares (the expectation, worked out here). */
const folded = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
const byName = (prefix: string): string[] => NAMED.filter((n) => [n.family, ...n.given].some((part) => folded(part).startsWith(folded(prefix)))).map((n) => n.id).sort();

let t: TestDatabase;
let db: Database;
const observations: Observation[] = [];
const executed: { sql: string; params: readonly unknown[]; name: string | undefined }[] = [];
const recording: Queryable = {
  query: (sql, params, opts) => {
    executed.push({ sql, params: params ?? [], name: opts?.name });
    return db.query(sql, params, opts);
  },
  exec: (sql) => db.exec(sql),
};

/** The matches of a search, by id, after the search ran (recorded) through `runSearch`. */
async function search(type: string, query: string): Promise<{ ids: string[]; name: string | undefined }> {
  const start = executed.length;
  const page = await runSearch(recording, TENANT, parseSearch(type, [...new URLSearchParams(query)], registry), { count: 500 });
  const main = executed.slice(start).find((e) => e.sql.includes('ORDER BY'));
  return { ids: page.matches.map((m) => m.id).sort(), name: main?.name };
}

const year = (o: Observation): number => Number(o.effectiveDateTime!.slice(0, 4));
const ofPatient = (p: string) => observations.filter((o) => o.subject?.reference === `Patient/${p}`);
const idsOf = (os: Observation[]): string[] => os.map((o) => o.id!).sort();

before(async () => {
  loadDefinitions();
  t = await createTestDatabase();
  if (backend === 'postgres') {
    // Every connection opened from here on plans named statements generically from the start.
    const name = new URL(t.url!).pathname.slice(1);
    await t.db.query(`ALTER DATABASE ${name} SET plan_cache_mode = force_generic_plan`);
    db = await openStoreDatabase({ databaseUrl: t.url!, dataDir: '', poolSize: 2 });
    const mode = await db.query<{ plan_cache_mode: string }>('SHOW plan_cache_mode');
    assert.equal(mode.rows[0]?.plan_cache_mode, 'force_generic_plan');
  } else {
    db = t.db;
  }
  const repo = new Repository({ db, indexer: createIndexer(registry) }, TENANT);
  for (const p of PATIENTS) {
    await repo.update('Patient', p, { resourceType: 'Patient', id: p, name: [{ family: `Fam${p}` }], gender: p === 'pb' ? 'male' : 'female', identifier: [{ system: MRN, value: `MRN-${p}` }] } as Resource);
  }
  for (const n of NAMED) await repo.update('Patient', n.id, { resourceType: 'Patient', id: n.id, name: [{ family: n.family, given: n.given }], birthDate: n.birthDate } as Resource);
  PATIENTS.forEach((p, i) => {
    for (let j = 0; j < 14; j++) {
      const o: Observation = {
        resourceType: 'Observation',
        id: `${p}-o${j}`,
        status: j % 5 === 0 ? 'preliminary' : 'final',
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: j % 2 ? 'laboratory' : 'vital-signs' }] }],
        code: { coding: [{ system: LOINC, code: CODES[(i + j) % 3]! }] },
        subject: { reference: `Patient/${p}` },
        effectiveDateTime: `${2020 + (j % 4)}-${String(1 + (j % 12)).padStart(2, '0')}-15T10:00:00Z`,
        ...(j % 6 === 5 ? {} : { valueQuantity: { value: j * 1.5, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' } }),
      };
      observations.push(o);
    }
  });
  for (const o of observations) await repo.update('Observation', o.id!, o);
});
after(async () => {
  if (db && db !== t.db) await db.close();
  await t?.drop();
});

describe('searches anchored on one patient, identifier or name, with cached generic plans', () => {
  // Each shape runs for every patient twice: eight executions, past the five custom plans after
  // which PostgreSQL's own choice may switch to the generic one.
  const rounds = [...PATIENTS, ...PATIENTS];

  it('patient and code', async () => {
    for (const [k, p] of rounds.entries()) {
      const code = CODES[k % 3]!;
      const got = await search('Observation', `patient=${k % 2 ? `Patient/${p}` : p}&code=${LOINC}|${code}`);
      assert.deepEqual(got.ids, idsOf(ofPatient(p).filter((o) => o.code?.coding?.[0]?.code === code)), `${p} ${code}`);
      assert.ok(got.name?.startsWith('search_'), 'run as a named statement');
    }
  });

  it('patient, category and a year of dates', async () => {
    for (const [k, p] of rounds.entries()) {
      const y = 2020 + (k % 4);
      const cat = k % 3 ? 'laboratory' : 'vital-signs';
      const got = await search('Observation', `patient=${p}&category=${cat}&date=ge${y}-01-01&date=lt${y + 1}-01-01`);
      const want = ofPatient(p).filter((o) => o.category?.[0]?.coding?.[0]?.code === cat && year(o) === y);
      assert.deepEqual(got.ids, idsOf(want), `${p} ${cat} ${y}`);
      assert.ok(got.name, 'named');
    }
  });

  it('negation, missing values, quantities, several values and a sort', async () => {
    for (const [k, p] of rounds.entries()) {
      const code = CODES[k % 3]!;
      const not = await search('Observation', `subject=Patient/${p}&code:not=${LOINC}|${code}`);
      assert.deepEqual(not.ids, idsOf(ofPatient(p).filter((o) => o.code?.coding?.[0]?.code !== code)), `${p} :not ${code}`);
      assert.ok(not.name, 'subject=Patient/<id> anchors too');

      const missing = await search('Observation', `patient=${p}&value-quantity:missing=${k % 2 ? 'true' : 'false'}`);
      assert.deepEqual(missing.ids, idsOf(ofPatient(p).filter((o) => (o.valueQuantity === undefined) === (k % 2 === 1))), `${p} :missing`);

      const above = 3 + k * 2;
      const quantity = await search('Observation', `patient=${p}&value-quantity=gt${above}`);
      assert.deepEqual(quantity.ids, idsOf(ofPatient(p).filter((o) => (o.valueQuantity?.value ?? -1) > above)), `${p} value > ${above}`);

      // `_id` and `_lastUpdated` test the resource row itself, beside the index rows' tests.
      const mine = ofPatient(p);
      const picked = [mine[k % mine.length]!.id!, mine[(k + 1) % mine.length]!.id!, observations.find((o) => !mine.includes(o))!.id!];
      const byId = await search('Observation', `patient=${p}&_id=${picked.join(',')}&code:not=${LOINC}|${code}`);
      assert.deepEqual(byId.ids, idsOf(mine.filter((o) => picked.includes(o.id!) && o.code?.coding?.[0]?.code !== code)), `${p} _id and :not`);
      assert.ok(byId.name, '_id beside an anchor: named');
      const updated = await search('Observation', `patient=${p}&_lastUpdated=${k % 2 ? 'gt2000-01-01' : 'lt2000-01-01'}&code=${LOINC}|${code}`);
      assert.deepEqual(updated.ids, k % 2 ? idsOf(mine.filter((o) => o.code?.coding?.[0]?.code === code)) : [], `${p} _lastUpdated`);

      const sorted = await runSearch(recording, TENANT, parseSearch('Observation', [...new URLSearchParams(`patient=${p}&status=preliminary,final&code=${LOINC}|${code},${LOINC}|${CODES[(k + 1) % 3]}&_sort=-date`)], registry), { count: 500 });
      const want = ofPatient(p)
        .filter((o) => o.code?.coding?.[0]?.code === code || o.code?.coding?.[0]?.code === CODES[(k + 1) % 3])
        .sort((a, b) => b.effectiveDateTime!.localeCompare(a.effectiveDateTime!));
      assert.deepEqual(sorted.matches.map((m) => m.id), want.map((o) => o.id), `${p}: newest first`);
    }
  });

  it('one identifier, alone or with other criteria', async () => {
    for (const [k, p] of rounds.entries()) {
      const alone = await search('Patient', `identifier=${MRN}|MRN-${p}`);
      assert.deepEqual(alone.ids, [p]);
      assert.ok(alone.name, 'an identifier anchors');
      const gender = k % 2 ? 'male' : 'female';
      const withGender = await search('Patient', `identifier=MRN-${p}&gender=${gender}`);
      assert.deepEqual(withGender.ids, (p === 'pb') === (gender === 'male') ? [p] : [], `${p} ${gender}`);
      assert.ok(withGender.name, 'named');
    }
    const system = await search('Patient', `identifier=${MRN}|`);
    assert.deepEqual(system.ids, [...PATIENTS].sort());
    assert.equal(system.name, undefined, 'a system alone matches any number: unnamed');
  });

  it('one name, as a prefix or exact, alone or with a birth date', async () => {
    const prefixes = ['mul', 'MÜLL', 'Mull_', 'mulb', 'ann', 'Smi', 'mullx'];
    for (const [k, prefix] of [...prefixes, ...prefixes].entries()) {
      const got = await search('Patient', `name=${encodeURIComponent(prefix)}`);
      assert.deepEqual(got.ids, byName(prefix), `name=${prefix}`);
      assert.ok(got.name, `name=${prefix}: a string prefix anchors`);
      const day = k % 2 ? '1980-05-01' : '1975-01-31';
      const born = await search('Patient', `birthdate=${day}&name=${encodeURIComponent(prefix)}`);
      assert.deepEqual(born.ids, byName(prefix).filter((id) => NAMED.find((n) => n.id === id)!.birthDate === day), `birthdate=${day}&name=${prefix}`);
      assert.ok(born.name, 'named');
    }
    for (const family of ['Muller', 'Müller', 'muller', 'Mull_er', 'Mull%er']) {
      const exact = await search('Patient', `family:exact=${encodeURIComponent(family)}`);
      assert.deepEqual(exact.ids, NAMED.filter((n) => n.family === family).map((n) => n.id), `family:exact=${family}: case and accents count`);
      assert.ok(exact.name, ':exact anchors');
    }
    const contains = await search('Patient', 'name:contains=ll');
    assert.deepEqual(contains.ids, NAMED.filter((n) => [n.family, ...n.given].some((part) => folded(part).includes('ll'))).map((n) => n.id).sort());
    assert.equal(contains.name, undefined, ':contains reads no one range: unnamed');
    const both = await search('Patient', `identifier=MRN-pa&name=fam`);
    assert.deepEqual(both.ids, ['pa'], 'an identifier and a name');
    assert.ok(both.name, 'named, driven from the identifier');
  });

  it("reads each per-row test through the row's own index rows, in the generic plan", { skip: backend === 'postgres' ? false : 'PGlite has no prepared statements' }, async () => {
    // The generic plan knows no value: it must not read a code's rows through the lookup index for
    // each of the patient's rows (it once did, scanning every row of a common code each time).
    // A name is read as a range of the lookup index (the generic plan knows no LIKE pattern).
    const cases: [string, number, RegExp?][] = [
      [`Observation?patient=pa&code=${LOINC}|${CODES[0]}`, 1],
      ['Observation?patient=Patient/pb&category=laboratory&date=ge2021-01-01&date=lt2022-01-01', 3],
      ['Observation?subject=Patient/pc&value-quantity:missing=true&status:not=final', 2],
      ['Patient?name=mul', 0, /norm ~>=~ .*norm ~<~ /],
      ['Patient?birthdate=1980-05-01&name=mul', 1, /norm ~>=~ .*norm ~<~ /],
    ];
    const client = new pg.Client({ connectionString: t.url! });
    await client.connect();
    try {
      for (const [path, tests, anchorCond] of cases) {
        const before = executed.length;
        const [type, query] = path.split('?') as [string, string];
        await runSearch(recording, TENANT, parseSearch(type, [...new URLSearchParams(query)], registry), { count: 50 });
        const main = executed.slice(before).find((e) => e.sql.includes('ORDER BY'))!;
        assert.ok(main.name, `${path}: named`);
        await client.query(`PREPARE cached AS ${main.sql}`);
        const literal = (v: unknown): string => (typeof v === 'number' ? String(v) : Array.isArray(v) ? `'{${v.map((x) => `"${String(x)}"`).join(',')}}'` : `'${String(v).replace(/'/g, "''")}'`);
        const explained = await client.query(`EXPLAIN (FORMAT JSON) EXECUTE cached(${main.params.map(literal).join(', ')})`);
        await client.query('DEALLOCATE cached');
        // Each scan, with the relation of the scan it runs under (a per-row test is a subplan of
        // the scan whose rows it tests).
        const scans: { relation: string; node: string; cond: string; under?: string }[] = [];
        type PlanNode = { 'Relation Name'?: string; 'Node Type': string; 'Index Cond'?: string; 'Recheck Cond'?: string; Plans?: PlanNode[] };
        const walk = (n: PlanNode, under?: string): void => {
          const relation = n['Relation Name'];
          if (relation) scans.push({ relation, node: n['Node Type'], cond: n['Index Cond'] ?? n['Recheck Cond'] ?? '', ...(under ? { under } : {}) });
          for (const child of n.Plans ?? []) walk(child, relation ?? under);
        };
        const raw = explained.rows[0]['QUERY PLAN'];
        walk((typeof raw === 'string' ? JSON.parse(raw) : raw)[0].Plan);
        const indexRows = scans.filter((s) => s.relation.startsWith('sp_'));
        assert.ok(indexRows.every((s) => s.node !== 'Seq Scan'), `${path}: no index table read whole: ${JSON.stringify(scans)}`);
        const perRow = indexRows.filter((s) => s.cond === '(rid = x.rid)');
        assert.equal(perRow.length, tests, `${path}: each per-row test reads by the candidate's rid: ${JSON.stringify(scans)}`);
        assert.equal(indexRows.length, tests + 1, `${path}: and the anchor's rows are read once: ${JSON.stringify(scans)}`);
        // The tests run on the anchor's index rows, so a candidate that fails them is never read
        // from the resource table.
        const anchorScan = indexRows.find((s) => !perRow.includes(s))!;
        assert.ok(perRow.every((s) => s.under === anchorScan.relation), `${path}: the per-row tests run under the anchor's scan, before the resource is read: ${JSON.stringify(scans)}`);
        if (anchorCond) assert.ok(indexRows.some((s) => s.node.startsWith('Index') && anchorCond.test(s.cond)), `${path}: the anchor is read through its index: ${JSON.stringify(scans)}`);
      }
    } finally {
      await client.end();
    }
  });

  it('leaves searches without an anchor to be planned for their values', async () => {
    const byCode = await search('Observation', `code=${LOINC}|${CODES[0]}`);
    assert.deepEqual(byCode.ids, idsOf(observations.filter((o) => o.code?.coding?.[0]?.code === CODES[0])));
    assert.equal(byCode.name, undefined, 'no patient: unnamed');
    const two = await search('Observation', `patient=pa,pb&code=${LOINC}|${CODES[1]}`);
    assert.deepEqual(two.ids, idsOf(observations.filter((o) => ['Patient/pa', 'Patient/pb'].includes(o.subject!.reference!) && o.code?.coding?.[0]?.code === CODES[1])));
    assert.equal(two.name, undefined, 'two patients: unnamed');
    const chained = await search('Observation', `patient=pa&subject:Patient.name=Fampa`);
    assert.deepEqual(chained.ids, idsOf(ofPatient('pa')));
    assert.equal(chained.name, undefined, 'a chain beside the patient: unnamed');
  });
});

describe('the upper bound of a string prefix', () => {
  it('is above every string that starts with the prefix, in byte order, and below the next', () => {
    const bytes = (s: string): Buffer => Buffer.from(s, 'utf8');
    for (const prefix of ['mul', 'a\u{10FFFF}', 'z\u{D7FF}', 'éa', 'x\u{FFFF}']) {
      const above = successor(prefix);
      assert.ok(above !== undefined, prefix);
      for (const tail of ['', 'a', '\u{10FFFF}\u{10FFFF}', '\u{E000}', 'ÿÿÿ']) {
        assert.ok(Buffer.compare(bytes(prefix + tail), bytes(above)) < 0, `${JSON.stringify(prefix + tail)} < ${JSON.stringify(above)}`);
      }
      assert.ok(!above.startsWith(prefix), `${JSON.stringify(above)} itself does not start with the prefix`);
    }
    assert.equal(successor('\u{10FFFF}'), undefined, 'nothing is above the last code point');
    assert.equal(successor(''), undefined, 'nor above everything');
  });
});
