/**
 * A tenant's effective search parameters, from what is stored: pure, no I/O.
 *
 * Writes are indexed with the R4 base plus every active custom SearchParameter (status `active`,
 * url outside HL7's base definitions); a custom parameter with the same base and code as another
 * replaces it, and of two custom ones the later written wins. Searches use the R4 base plus only
 * the custom parameters that a finished reindex job covers: one of the parameter's base types (or
 * every type) that started at or after the generation the parameter was last written at. Until
 * then, a new parameter is unknown to search (ignored under lenient handling, a 400 under strict),
 * and an override of a base parameter is searched with the base definition over whatever rows
 * exist (partial results).
 */
import type { SearchParameter } from '@medplum/fhirtypes';
import type { SearchParamRegistry } from '@continuum/fhir';
import { ABSTRACT_BASES, isBaseDefinition } from './validate.ts';

export interface StoredSearchParam {
  resource: SearchParameter;
  /** The generation at which this version was written. */
  revision: number;
}

/** Resource type (or `*`: a job over every type) → the latest generation a finished job started at. */
export type Coverage = ReadonlyMap<string, number>;

export interface TenantParams {
  generation: number;
  params: readonly StoredSearchParam[];
  coverage: Coverage;
}

export interface EffectiveRegistries {
  indexing: SearchParamRegistry;
  searching: SearchParamRegistry;
}

export function isActiveCustom(sp: SearchParameter): boolean {
  return sp.status === 'active' && !isBaseDefinition(sp);
}

/** The base types whose reindex has covered `p` (abstract bases need a job over every type). */
export function coveredBases(p: StoredSearchParam, coverage: Coverage): string[] {
  const all = coverage.get('*') ?? -1;
  return (p.resource.base ?? []).filter((type) => {
    const done = ABSTRACT_BASES.has(type) ? all : Math.max(all, coverage.get(type) ?? -1);
    return done >= p.revision;
  });
}

export function effectiveRegistries(base: SearchParamRegistry, tenant: TenantParams): EffectiveRegistries {
  const active = tenant.params.filter((p) => isActiveCustom(p.resource));
  if (active.length === 0) return { indexing: base, searching: base };
  const indexing = base.withCustom(active.map((p) => p.resource));
  const ready: SearchParameter[] = [];
  let allReady = true;
  for (const p of active) {
    const bases = coveredBases(p, tenant.coverage);
    if (bases.length < (p.resource.base ?? []).length) allReady = false;
    if (bases.length > 0) ready.push({ ...p.resource, base: bases as SearchParameter['base'] });
  }
  if (allReady) return { indexing, searching: indexing };
  return { indexing, searching: ready.length === 0 ? base : base.withCustom(ready) };
}

/** The resource types a reindex for `sp` must cover; undefined for every type. */
export function affectedTypes(sp: SearchParameter): string[] | undefined {
  const base = sp.base ?? [];
  return base.some((t) => ABSTRACT_BASES.has(t)) ? undefined : [...base];
}
