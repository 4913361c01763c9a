/**
 * A search's row limit: which stored rows a caller who may not see everything can find, as SQL.
 *
 * The compiler puts it on every resource row a search touches: the matches, and the rows a chain
 * or `_has` looks through. So criteria never match on a resource the caller may not see (another
 * patient's, a sensitivity-labelled one, one outside a scope filter), and pages and totals count
 * only what the caller gets. A chain or `_has` through a type the caller may not read at all is a
 * 403: dropping the criterion would silently widen the answer, and running it would reveal what
 * the type holds. A chain with several possible target types keeps only the readable ones.
 *
 * It knows nothing about principals (api/search-limit.ts builds it from the access policy), and
 * does not cover `_include` and `_revinclude`, whose additions the guard filters one by one.
 */
import { forbidden, type Criterion } from '@continuum/fhir';
import type { Params } from './sql-criteria.ts';

export interface SecurityLabel {
  system: string;
  code: string;
}

/** The rows of one type a caller may find. */
export interface TypeRowLimit {
  /** False: no row of the type, and no chain or `_has` through it. */
  readable: boolean;
  /** Rows must be in one of these patients' compartments (patient-compartment types only). */
  compartments?: readonly string[];
  /**
   * A row must satisfy one of these (one per scope rule that grants the type): in a compartment
   * of the patient in context, and matching the rule's filter. Undefined: no condition.
   */
  alternatives?: ReadonlyArray<{ compartments?: readonly string[]; criteria: readonly Criterion[] }>;
  /** Rows in no patient's compartment pass the compartment conditions too (the clinic's Schedules). */
  unassignedOpen?: boolean;
}

export interface RowLimit {
  forType(type: string): TypeRowLimit;
  labels: {
    /** Rows carrying one of these `meta.security` labels are never found. */
    hidden: readonly SecurityLabel[];
    /** Rows carrying one of these are found only in the compartments given (own record, break-the-glass). */
    hiddenOutside?: { labels: readonly SecurityLabel[]; compartments: readonly string[] };
  };
}

/** Compiles one criterion on alias `a` of type `type` (sql-criteria's `criterionSql`, without the limit). */
export type CompileCriterion = (c: Criterion, a: string, type: string) => string;

/**
 * Alias `a` is in one of the patients' compartments. Written for the indexes of migration 005:
 * the btree on the first compartment, and the partial GIN index for rows in several.
 */
export function inCompartments(a: string, ids: readonly string[], p: Params): string {
  if (ids.length === 0) return 'false';
  if (ids.length === 1) {
    const id = p.add(ids[0]);
    return `(${a}.compartments[1] = ${id}::text OR (cardinality(${a}.compartments) > 1 AND ${a}.compartments @> ARRAY[${id}::text]))`;
  }
  const list = p.add(ids);
  return `(${a}.compartments[1] = ANY(${list}::text[]) OR (cardinality(${a}.compartments) > 1 AND ${a}.compartments && ${list}::text[]))`;
}

/** Alias `a` carries one of `labels` in `meta.security` (a label without a system counts too). */
function labelled(a: string, type: string, labels: readonly SecurityLabel[], tenant: string, p: Params): string {
  const codes = [...new Set(labels.map((l) => l.code))];
  const pairs = labels.map((l) => `${l.system}|${l.code}`);
  return (
    `${a}.rid IN (SELECT x.rid FROM sp_token x WHERE x.tenant_id = ${p.add(tenant)} AND x.resource_type = ${p.add(type)} ` +
    `AND x.param = '_security' AND x.code = ANY(${p.add(codes)}::text[]) AND (x.system IS NULL OR (x.system || '|' || x.code) = ANY(${p.add(pairs)}::text[])))`
  );
}

/** The rows of `type` (on alias `a`) the limit lets the caller find, as one SQL predicate. */
export function rowLimitSql(limit: RowLimit, a: string, type: string, tenant: string, p: Params, compile: CompileCriterion): string {
  const rules = limit.forType(type);
  if (!rules.readable) return 'false';
  const parts: string[] = [];
  const within = (ids: readonly string[]) => (rules.unassignedOpen ? `(${inCompartments(a, ids, p)} OR coalesce(cardinality(${a}.compartments), 0) = 0)` : inCompartments(a, ids, p));
  if (rules.compartments) parts.push(within(rules.compartments));
  if (rules.alternatives) {
    const ors = rules.alternatives.map((alt) => {
      const conds = alt.criteria.map((c) => compile(c, a, type));
      if (alt.compartments) conds.push(within(alt.compartments));
      return conds.length === 0 ? 'true' : `(${conds.join(' AND ')})`;
    });
    parts.push(ors.length === 0 ? 'false' : `(${ors.join(' OR ')})`);
  }
  const { hidden, hiddenOutside } = limit.labels;
  if (hidden.length > 0) parts.push(`NOT (${labelled(a, type, hidden, tenant, p)})`);
  if (hiddenOutside && hiddenOutside.labels.length > 0) {
    const open = hiddenOutside.compartments.length > 0 ? ` OR ${a}.compartments && ${p.add(hiddenOutside.compartments)}::text[]` : '';
    parts.push(`(NOT (${labelled(a, type, hiddenOutside.labels, tenant, p)})${open})`);
  }
  return parts.length === 0 ? 'true' : parts.join(' AND ');
}

/** The target types of a chain the caller may read; a 403 when there is none. */
export function readableTargets<T extends { type: string }>(limit: RowLimit | undefined, code: string, targets: readonly T[]): readonly T[] {
  if (!limit) return targets;
  const kept = targets.filter((t) => limit.forType(t.type).readable);
  if (kept.length === 0) {
    throw forbidden(`Your access does not allow reading ${targets.map((t) => t.type).join(' or ')}, so '${code}' cannot be searched`);
  }
  return kept;
}

/** A `_has` through a type the caller may not read is a 403. */
export function checkReadable(limit: RowLimit | undefined, code: string, type: string): void {
  if (limit && !limit.forType(type).readable) throw forbidden(`Your access does not allow reading ${type}, so '${code}' cannot be searched`);
}
