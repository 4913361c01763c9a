/**
 * `--population N`: loads N synthetic patients into a backend's throwaway database with the real
 * seeder (`bin/continuum.js seed --patients N --seed bench` as a child process, before the server
 * starts), streaming its progress lines, then samples ids of the seeded Patients and Observations
 * straight from the database (at most `SAMPLE` of each, so memory stays bounded whatever N is).
 * On a kept store (`--population-db`) the seeder runs all the same: it is resumable and writes
 * nothing when the population is complete, so reuse costs a few seconds. A kept store seeded
 * with more patients than asked is refused rather than silently mislabelled. A kept store also
 * records a fingerprint of the code that decides what was stored (the generator and the indexing
 * code), so that reusing it after that code changed gives a warning: its index rows may no
 * longer be what the server would write now.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Backend } from './backends.ts';
import type { ExistingIds } from './suites.ts';

const TENANT = 'default';
/** Ids sampled per resource type. */
const SAMPLE = 10_000;

export interface Population {
  patients: number;
  /** The kept store it lives in (`--population-db`), if any. */
  kept?: string;
  /** The kept store already held the complete population: the seeder wrote nothing. */
  reused: boolean;
  /** A kept store seeded by other (or unrecorded) generator or indexing code than today's. */
  codeChanged?: boolean;
  /** Resources in the database after seeding (not deleted). */
  resources: number;
  seedSeconds: number;
  /** Resources per second over `seedSeconds` (wall time of the child, start-up and ANALYZE included). */
  seedRate: number;
  /** The seeder's own figure from its summary line (writing only), if it printed one. */
  seederSeconds: number | null;
  ids: ExistingIds;
}

/** Just the figures, for reports. */
export function populationFigures(p: Population | undefined): Omit<Population, 'ids'> | null {
  if (!p) return null;
  const { ids: _ids, ...rest } = p;
  return rest;
}

/** Folders and files whose code decides what a seeded population stores. */
const STORED_BY = ['packages/synth/src', 'packages/fhir/src/search', 'packages/server/src/store/indexer.ts', 'packages/server/src/store/index-tables.ts'];

/** A hash of the generator and the indexing code as they are now. */
function codeFingerprint(root: string): string {
  const hash = createHash('sha256');
  const add = (rel: string): void => {
    const path = join(root, rel);
    if (rel.endsWith('.ts')) {
      hash.update(rel).update(readFileSync(path));
      return;
    }
    for (const name of readdirSync(path).sort()) add(`${rel}/${name}`);
  };
  for (const rel of STORED_BY) add(rel);
  return hash.digest('hex').slice(0, 16);
}

interface SeededBefore {
  patients: number;
  nextIndex: number;
  finished: boolean;
  /** The code fingerprint recorded when the store was seeded (undefined: not recorded). */
  fingerprint?: string;
}

/** The seeder's own record of the bench population in this store, if there is one yet. */
async function seededBefore(backend: Backend): Promise<SeededBefore | undefined> {
  const db = await backend.connect(1);
  try {
    const table = (await db.query("SELECT to_regclass('seed_run') IS NOT NULL AS runs, to_regclass('bench_population') IS NOT NULL AS meta")) as { runs: boolean; meta: boolean }[];
    if (!table[0]?.runs) return undefined;
    const rows = (await db.query('SELECT patients, next_index, next_index >= patients AS finished FROM seed_run WHERE tenant_id = $1 AND seed = $2', [TENANT, 'bench'])) as {
      patients: number;
      next_index: number;
      finished: boolean;
    }[];
    const run = rows[0];
    if (!run) return undefined;
    const meta = table[0].meta ? ((await db.query("SELECT value FROM bench_population WHERE key = 'fingerprint'")) as { value: string }[]) : [];
    return { patients: Number(run.patients), nextIndex: Number(run.next_index), finished: run.finished, ...(meta[0] ? { fingerprint: meta[0].value } : {}) };
  } finally {
    await db.close();
  }
}

async function recordFingerprint(backend: Backend, value: string): Promise<void> {
  const db = await backend.connect(1);
  try {
    await db.exec('CREATE TABLE IF NOT EXISTS bench_population (key text PRIMARY KEY, value text NOT NULL)');
    await db.query("INSERT INTO bench_population (key, value) VALUES ('fingerprint', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", [value]);
  } finally {
    await db.close();
  }
}

/** Checks a kept store before seeding: refuses a bigger population, warns of changed code. */
async function checkKept(backend: Backend, patients: number, fingerprint: string): Promise<{ reused: boolean; codeChanged: boolean; record?: string }> {
  const before = await seededBefore(backend);
  if (before && before.patients > patients) {
    throw new Error(`${backend.kept!} holds a ${before.patients.toLocaleString('en-US')}-patient population: use --population ${before.patients} or another --population-db`);
  }
  const reused = before?.patients === patients && before.finished;
  const n = (x: number): string => x.toLocaleString('en-US');
  const state = !before ? 'new' : reused ? 'complete, reused' : `${n(before.nextIndex)} of ${n(patients)} patients so far, resuming`;
  process.stdout.write(`  kept population in ${backend.kept!} (${state})\n`);
  const codeChanged = before !== undefined && before.fingerprint !== fingerprint;
  if (codeChanged) {
    process.stdout.write(
      `  WARNING: ${before.fingerprint ? 'the generator or indexing code changed since' : 'no record of the code that seeded'} this population ` +
        `(${STORED_BY.join(', ')}): its index rows may differ from what the server writes now. For trustworthy figures, seed a fresh one ` +
        `(another --population-db, or drop this one).\n`,
    );
  }
  // A population seeded wholly by this code gets its fingerprint; a resumed one by other code, a mark that it is mixed.
  const record = !before ? fingerprint : !reused && before.fingerprint !== fingerprint ? 'mixed' : undefined;
  return { reused, codeChanged, ...(record ? { record } : {}) };
}

export async function loadPopulation(root: string, backend: Backend, patients: number): Promise<Population> {
  const kept = backend.kept ? await checkKept(backend, patients, codeFingerprint(root)) : undefined;
  const reused = kept?.reused ?? false;
  process.stdout.write(`  seeding ${patients.toLocaleString('en-US')} patients (seed 'bench') into ${backend.name}\n`);
  const t0 = performance.now();
  let seederSeconds: number | null = null;
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['packages/server/bin/continuum.js', 'seed', '--patients', String(patients), '--seed', 'bench'], {
      cwd: root,
      env: { ...process.env, ...backend.serverEnv, CONTINUUM_DEMO: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let tail = '';
    const stream = (c: Buffer): void => {
      const text = c.toString();
      tail = (tail + text).slice(-4000);
      for (const line of text.split(/[\r\n]+/)) {
        if (!line.trim()) continue;
        process.stdout.write(`    ${line.trim().startsWith('seed: ') ? '' : 'seed: '}${line.trim()}\n`);
        const m = /^seeded .* resources in ([\d.]+)s/.exec(line.trim());
        if (m) seederSeconds = Number(m[1]);
      }
    };
    child.stdout.on('data', stream);
    child.stderr.on('data', stream);
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`seed exited with ${String(code)}: ${tail}`))));
  });
  const seedSeconds = (performance.now() - t0) / 1000;
  if (kept?.record) await recordFingerprint(backend, kept.record);

  const db = await backend.connect(1);
  try {
    const count = (await db.query('SELECT count(*)::int AS n FROM resource WHERE tenant_id = $1 AND NOT deleted', [TENANT])) as { n: number }[];
    const sample = async (type: string): Promise<string[]> =>
      ((await db.query('SELECT id FROM resource WHERE tenant_id = $1 AND resource_type = $2 AND NOT deleted ORDER BY random() LIMIT $3', [TENANT, type, SAMPLE])) as { id: string }[]).map(
        (r) => r.id,
      );
    const resources = Number(count[0]?.n ?? 0);
    const ids = { patients: await sample('Patient'), observations: await sample('Observation') };
    // A reused population was not written now: a rate over the seeder's quick check means nothing.
    const seedRate = reused ? 0 : Math.round(resources / seedSeconds);
    const how = reused ? `reused (the seeder's check took ${seedSeconds.toFixed(1)} s)` : `seeded in ${seedSeconds.toFixed(1)} s (${seedRate.toLocaleString('en-US')} resources/s)`;
    process.stdout.write(
      `  ${patients.toLocaleString('en-US')} patients, ${resources.toLocaleString('en-US')} resources ${how}; ` +
        `sampled ${ids.patients.length} Patient and ${ids.observations.length} Observation ids\n`,
    );
    if (ids.patients.length === 0 || ids.observations.length === 0) throw new Error('the seeded population has no Patients or no Observations');
    return {
      patients,
      ...(backend.kept ? { kept: backend.kept } : {}),
      reused,
      ...(kept?.codeChanged ? { codeChanged: true } : {}),
      resources,
      seedSeconds: Math.round(seedSeconds * 10) / 10,
      seedRate,
      seederSeconds,
      ids,
    };
  } finally {
    await db.close();
  }
}
