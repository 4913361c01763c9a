/**
 * `npm run bench -- matching [--persons 2000] [--db-patients 300] [--queries 100]` (or
 * `node --import tsx bench/matching.ts ...`): the patient matcher (exchange/mpi).
 *
 * 1. Scoring, CPU only: a seeded population (packages/server/test/exchange/mpi/population.ts:
 *    people, twins, namesakes, relatives, and one corrupted duplicate of each person) is paired
 *    by blocking and every candidate pair scored; then all pairs of a 400-record sample (mostly
 *    non-matches, the worst case). Prints pairs scored per second, and precision / recall of
 *    `certain` and `certain`+`probable`. Ceiling, measured in the same run over the same pairs:
 *    a trivial comparison loop (two string equalities per pair on pre-normalised fields), the
 *    least any pairwise matcher could cost.
 * 2. Blocking against the database (PGlite by default, CONTINUUM_TEST_BACKEND=postgres for the
 *    local PostgreSQL): `--db-patients` Patients are stored, then `findMatches` runs for
 *    `--queries` duplicate records. Ceiling: the raw indexed lookup of the same birth dates in
 *    `sp_date` joined to `resource` (one SQL statement per query, no scoring, no other blocks).
 *
 * Single process, one run each, well under a minute with the defaults. Synthetic data only.
 */
import { parseArgs } from 'node:util';
import type { Patient } from '@medplum/fhirtypes';
import { SearchParamRegistry } from '@continuum/fhir';
import { candidatePairs } from '../packages/server/src/exchange/mpi/blocking.ts';
import { findMatches, scorePair } from '../packages/server/src/exchange/mpi/matcher.ts';
import { Repository } from '../packages/server/src/store/repository.ts';
import { createIndexer } from '../packages/server/src/store/indexer.ts';
import { evaluate } from '../packages/server/test/exchange/mpi/evaluate.ts';
import { population } from '../packages/server/test/exchange/mpi/population.ts';
import { backend, createTestDatabase } from '../packages/server/test/fixtures/backend.ts';

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

function timed<T>(fn: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = fn();
  return { value, ms: performance.now() - start };
}

/** A fresh copy, so that the matcher's per-record normalisation is part of what is timed. */
const fresh = (ps: readonly Patient[]): Patient[] => ps.map((p) => structuredClone(p));

function scoring(persons: number): void {
  // Warm the JIT on another population, so that the runs below measure compiled code.
  const warm = population(99, 300).map((r) => r.patient);
  for (let k = 0; k < 3; k++) for (const [i, j] of candidatePairs(warm)) scorePair(warm[i]!, warm[j]!);
  const records = population(7, persons);
  const patients = records.map((r) => r.patient);
  const pairs = candidatePairs(patients);
  const cold = fresh(patients);
  const coldRun = timed(() => {
    let certain = 0;
    for (const [i, j] of pairs) if (scorePair(cold[i]!, cold[j]!).grade === 'certain') certain++;
    return certain;
  });
  const warmRun = timed(() => {
    let certain = 0;
    for (const [i, j] of pairs) if (scorePair(cold[i]!, cold[j]!).grade === 'certain') certain++;
    return certain;
  });
  // The ceiling: the cheapest comparison of the same pairs on fields normalised beforehand.
  const keys = patients.map((p) => ({ family: (p.name?.[0]?.family ?? '').toLowerCase(), birth: p.birthDate ?? '' }));
  const ceiling = timed(() => {
    let same = 0;
    for (const [i, j] of pairs) if (keys[i]!.family === keys[j]!.family && keys[i]!.birth === keys[j]!.birth) same++;
    return same;
  });
  const sample = fresh(patients.slice(0, 400));
  const all = timed(() => {
    let n = 0;
    for (let i = 0; i < sample.length; i++) for (let j = i + 1; j < sample.length; j++) if (scorePair(sample[i]!, sample[j]!).weight > 0) n++;
    return n;
  });
  const allPairs = (sample.length * (sample.length - 1)) / 2;
  const blockTime = timed(() => candidatePairs(fresh(patients)));
  const acc = evaluate(records);

  console.log(`scoring: ${records.length} records (${persons} people + twins, namesakes, relatives + one duplicate each), ${pairs.length} candidate pairs`);
  console.log(`  blocking (in memory, incl. normalising): ${blockTime.ms.toFixed(0)} ms`);
  console.log(`  candidate pairs, first pass (normalising each record once): ${fmt(pairs.length / (coldRun.ms / 1000))} pairs/s`);
  console.log(`  candidate pairs, normalised:                                ${fmt(pairs.length / (warmRun.ms / 1000))} pairs/s`);
  console.log(`  all pairs of ${sample.length} records (${allPairs} pairs, mostly non-matches): ${fmt(allPairs / (all.ms / 1000))} pairs/s`);
  console.log(`  ceiling, two string equalities per candidate pair:          ${fmt(pairs.length / (ceiling.ms / 1000))} pairs/s`);
  console.log(`accuracy (${acc.truePairs} true pairs, blocking found ${acc.blockedTrue}):`);
  console.log(`  certain:            precision ${pct(acc.certain.precision)}  recall ${pct(acc.certain.recall)}  (${acc.certain.fp} false)`);
  console.log(`  certain + probable: precision ${pct(acc.certainOrProbable.precision)}  recall ${pct(acc.certainOrProbable.recall)}  (${acc.certainOrProbable.fp} false)`);
}

async function blocking(dbPatients: number, queries: number): Promise<void> {
  const database = await createTestDatabase();
  try {
    const repo = new Repository({ db: database.db, indexer: createIndexer(SearchParamRegistry.r4()) }, 'default');
    const records = population(11, dbPatients);
    const originals = records.filter((r) => r.kind === 'original');
    const load = performance.now();
    const ids = new Map<number, string>();
    for (const r of originals) {
      const { resource } = await repo.create(r.patient);
      if (!ids.has(r.person)) ids.set(r.person, resource.id!);
    }
    const loadMs = performance.now() - load;
    const probes = records.filter((r) => r.kind === 'duplicate').slice(0, queries);
    let found = 0;
    const t0 = performance.now();
    for (const q of probes) {
      const m = await findMatches(repo, q.patient, { count: 5 });
      if (m[0]?.patient.id === ids.get(q.person)) found++;
    }
    const matchMs = performance.now() - t0;
    const t1 = performance.now();
    let rows = 0;
    for (const q of probes) {
      const res = await database.db.query(
        `SELECT r.id, r.content FROM sp_date d JOIN resource r ON r.rid = d.rid
          WHERE d.tenant_id = $1 AND d.resource_type = 'Patient' AND d.param = 'birthdate' AND d.low = $2::timestamptz`,
        ['default', `${q.patient.birthDate ?? '1900-01-01'}T00:00:00Z`],
      );
      rows += res.rows.length;
    }
    const rawMs = performance.now() - t1;
    console.log(`blocking on ${backend}: ${originals.length} Patients stored in ${(loadMs / 1000).toFixed(1)} s, ${probes.length} queries`);
    console.log(`  findMatches (indexed blocks + scoring): ${fmt(probes.length / (matchMs / 1000))} queries/s, ${(matchMs / probes.length).toFixed(2)} ms each; best candidate right for ${found} of ${probes.length}`);
    console.log(`  ceiling, one raw indexed birth-date lookup: ${fmt(probes.length / (rawMs / 1000))} queries/s (${rows} rows)`);
  } finally {
    await database.drop();
  }
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { persons: { type: 'string', default: '2000' }, 'db-patients': { type: 'string', default: '300' }, queries: { type: 'string', default: '100' } } });
  scoring(Number(values.persons));
  await blocking(Number(values['db-patients']), Number(values.queries));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`bench matching: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
