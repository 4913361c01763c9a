/**
 * Helpers for the seed suite: row counts per tenant, a check that every literal reference in the
 * stored resources points at a stored resource, and the population the tests seed (the real
 * generator once it exports its functions, the small stand-in before that).
 */
import type { Queryable } from '../../src/db/database.ts';
import type { DemoSource } from '../../src/seed/demo.ts';
import { fakePopulation } from './fake-population.ts';

export async function countRows(q: Queryable, tenant: string, type?: string): Promise<number> {
  const res = type
    ? await q.query<{ n: number }>('SELECT count(*)::int AS n FROM resource WHERE tenant_id = $1 AND resource_type = $2 AND NOT deleted', [tenant, type])
    : await q.query<{ n: number }>('SELECT count(*)::int AS n FROM resource WHERE tenant_id = $1 AND NOT deleted', [tenant]);
  return Number(res.rows[0]!.n);
}

function collectReferences(value: unknown, out: Set<string>): void {
  if (Array.isArray(value)) {
    for (const v of value) collectReferences(v, out);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'reference' && typeof v === 'string' && /^[A-Z][A-Za-z]+\/[A-Za-z0-9.-]{1,64}$/.test(v)) out.add(v);
      else collectReferences(v, out);
    }
  }
}

/** Relative references (`Type/id`) in the tenant's resources that name no stored resource. */
export async function danglingReferences(q: Queryable, tenant: string): Promise<string[]> {
  const rows = await q.query<{ resource_type: string; id: string; content: string }>(
    'SELECT resource_type, id, content FROM resource WHERE tenant_id = $1 AND NOT deleted',
    [tenant],
  );
  const present = new Set(rows.rows.map((r) => `${r.resource_type}/${r.id}`));
  const refs = new Set<string>();
  for (const r of rows.rows) collectReferences(JSON.parse(r.content), refs);
  return [...refs].filter((ref) => !present.has(ref)).sort();
}

/** The generator from @continuum/synth when it is implemented, otherwise the stand-in. */
export async function testPopulation(): Promise<DemoSource> {
  const synth = (await import('@continuum/synth')) as Partial<DemoSource>;
  if (typeof synth.directoryBundle === 'function' && typeof synth.patientBundles === 'function' && typeof synth.demoStaff === 'function') {
    // The real population, as seeding and the demo use it: prepared by the seeder's worker thread.
    return (await import('../../src/seed/population.ts')).syntheticPopulation;
  }
  return fakePopulation;
}
