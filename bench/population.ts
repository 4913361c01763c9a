/**
 * `--population N`: loads N synthetic patients into a backend's throwaway database with the real
 * seeder (`cli/main.ts seed --patients N --seed bench` as a child process, before the server
 * starts), streaming its progress lines, then samples ids of the seeded Patients and Observations
 * straight from the database (at most `SAMPLE` of each, so memory stays bounded whatever N is).
 */
import { spawn } from 'node:child_process';
import type { Backend } from './backends.ts';
import type { ExistingIds } from './suites.ts';

const TENANT = 'default';
/** Ids sampled per resource type. */
const SAMPLE = 10_000;

export interface Population {
  patients: number;
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

export async function loadPopulation(root: string, backend: Backend, patients: number): Promise<Population> {
  process.stdout.write(`  seeding ${patients.toLocaleString('en-US')} patients (seed 'bench') into ${backend.name}\n`);
  const t0 = performance.now();
  let seederSeconds: number | null = null;
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'packages/server/src/cli/main.ts', 'seed', '--patients', String(patients), '--seed', 'bench'], {
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

  const db = await backend.connect(1);
  try {
    const count = (await db.query('SELECT count(*)::int AS n FROM resource WHERE tenant_id = $1 AND NOT deleted', [TENANT])) as { n: number }[];
    const sample = async (type: string): Promise<string[]> =>
      ((await db.query('SELECT id FROM resource WHERE tenant_id = $1 AND resource_type = $2 AND NOT deleted ORDER BY random() LIMIT $3', [TENANT, type, SAMPLE])) as { id: string }[]).map(
        (r) => r.id,
      );
    const resources = Number(count[0]?.n ?? 0);
    const ids = { patients: await sample('Patient'), observations: await sample('Observation') };
    const seedRate = Math.round(resources / seedSeconds);
    process.stdout.write(
      `  seeded ${patients.toLocaleString('en-US')} patients, ${resources.toLocaleString('en-US')} resources in ${seedSeconds.toFixed(1)} s ` +
        `(${seedRate.toLocaleString('en-US')} resources/s); sampled ${ids.patients.length} Patient and ${ids.observations.length} Observation ids\n`,
    );
    if (ids.patients.length === 0 || ids.observations.length === 0) throw new Error('the seeded population has no Patients or no Observations');
    return { patients, resources, seedSeconds: Math.round(seedSeconds * 10) / 10, seedRate, seederSeconds, ids };
  } finally {
    await db.close();
  }
}
