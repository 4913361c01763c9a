/**
 * Compiles typed search criteria into parameterised SQL predicates over the index tables.
 *
 * A value criterion becomes `a.rid IN (SELECT rid FROM sp_x WHERE ...)` (NOT IN for `:not`,
 * `:not-in` and `:missing=true`), on whatever alias `a` the resource row has at that nesting
 * level. Chains nest a search of the target type inside the reference lookup; `_has` nests a
 * search of the referring type. Composite values join their components' rows on the element
 * number (`grp`). Date, number and quantity prefixes follow the R4 range rules: the stored value
 * is a range [low, high) and so is the searched one. `near` measures great-circle distances over
 * the position rows (near-sql.ts). Values only ever travel as bind parameters.
 */
import type { Criterion, Prefix, SearchValue, ValueCriterion } from '@continuum/fhir';
import { badRequest, normaliseText, storedCodes } from '@continuum/fhir';
import { indexKey } from '../store/index-tables.ts';
import { nearPredicate } from './near-sql.ts';
import { checkReadable, readableTargets, rowLimitSql, type RowLimit } from './row-limit.ts';

export class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    return `$${this.values.push(v)}`;
  }
  /**
   * A placeholder bound on first use only: PostgreSQL cannot infer the type of a parameter the
   * statement never references, so values a predicate may not need must not be bound eagerly.
   */
  lazy(v: unknown, cast: string): () => string {
    let ref: string | undefined;
    return () => (ref ??= `${this.add(v)}::${cast}`);
  }
}

/** A ValueSet's codes, for `:in` and `:not-in`; resolved before compilation (it needs I/O). */
export interface Expansion {
  codes: { system: string | null; code: string }[];
}

export interface CompileContext {
  tenant: string;
  p: Params;
  expansions: ReadonlyMap<string, Expansion>;
  /** Alias counter, so nested subqueries never shadow each other. */
  depth: number;
  /** What the caller may find: put on every resource row a chain or `_has` looks through. */
  limit?: RowLimit;
  /**
   * Compile value criteria as per-row tests on the row's own index rows (see `rowsIn`), which the
   * planner cannot turn into a join it might drive from, instead of semi-joins: for the other
   * criteria of a search with an anchor (see `anchorRank`), whose plan may then be cached.
   */
  correlate?: boolean;
  /**
   * Compiling the anchor of such a search: a string prefix also states its bounds as a range of
   * the index's text_pattern_ops order, which a generic plan (knowing no pattern) can still read
   * through the lookup index; a planned LIKE derives that range from its constant pattern itself.
   */
  anchor?: boolean;
  /**
   * With `anchor`: the search's other criteria as per-row tests on alias `CANDIDATE`, applied to
   * the anchor's index rows, so that a candidate failing them never reads its resource row (see
   * `rowsIn`).
   */
  rowTests?: readonly string[];
}

/** The alias of an anchor's candidate rows, on which the other criteria's per-row tests are made. */
export const CANDIDATE = 'cand';

export const INDEX_TABLE: Record<string, string> = {
  string: 'sp_string',
  token: 'sp_token',
  date: 'sp_date',
  number: 'sp_number',
  quantity: 'sp_quantity',
  reference: 'sp_reference',
  uri: 'sp_uri',
  /** `near` (Location.position), R4's only special parameter. */
  special: 'sp_position',
};

const likeEscape = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The least string above every string that starts with `prefix`, in byte order (UTF-8 keeps code
 * point order): the prefix with its last code point raised by one. Undefined when there is none.
 */
export function successor(prefix: string): string | undefined {
  const points = [...prefix];
  while (points.length > 0) {
    const last = points.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) return points.join('') + String.fromCodePoint(last === 0xd7ff ? 0xe000 : last + 1);
  }
  return undefined;
}

/** Range comparison by prefix; `lo`/`hi` are the stored range columns, `low`/`high` the searched. */
function rangePredicate(prefix: Prefix, lo: string, hi: string, low: () => string, high: () => string, approx: () => string): string {
  switch (prefix) {
    case 'eq':
      return `(${lo} >= ${low()} AND ${hi} <= ${high()})`;
    case 'ne':
      return `NOT (${lo} >= ${low()} AND ${hi} <= ${high()})`;
    case 'gt':
      return `${hi} > ${high()}`;
    case 'lt':
      return `${lo} < ${low()}`;
    case 'ge':
      return `(${hi} > ${high()} OR (${lo} >= ${low()} AND ${hi} <= ${high()}))`;
    case 'le':
      return `(${lo} < ${low()} OR (${lo} >= ${low()} AND ${hi} <= ${high()}))`;
    case 'sa':
      return `${lo} >= ${high()}`;
    case 'eb':
      return `${hi} <= ${low()}`;
    case 'ap':
      return approx();
  }
}

/** The predicate one value puts on an index row; `col` qualifies a column of that row. */
function valuePredicate(modifier: string | undefined, v: SearchValue, col: (name: string) => string, ctx: CompileContext): string {
  const { p } = ctx;
  switch (v.kind) {
    case 'token': {
      if (modifier === 'text') {
        const text = likeEscape(normaliseText(v.system === undefined ? (v.code ?? '') : `${v.system ?? ''}|${v.code ?? ''}`));
        // String-search semantics, as R4 defines :text: the display or text starts with the value.
        return `${col('text')} LIKE ${p.add(text + '%')}`;
      }
      if (modifier === 'of-type') {
        const [ts, tc, value] = (v.system === undefined ? (v.code ?? '') : `${v.system ?? ''}|${v.code ?? ''}`).split('|');
        if (value === undefined || !tc) throw badRequest(`:of-type takes system|code|value`);
        return `(${col('type_system')} = ${p.add(ts)} AND ${col('type_code')} = ${p.add(tc)} AND ${col('code')} = ${p.add(indexKey(value))})`;
      }
      const parts: string[] = [];
      if (v.code !== undefined) parts.push(`${col('code')} = ${p.add(indexKey(v.code))}`);
      if (v.system === null) parts.push(`${col('system')} IS NULL`);
      else if (v.system !== undefined) parts.push(`${col('system')} = ${p.add(indexKey(v.system))}`);
      return parts.length ? `(${parts.join(' AND ')})` : 'true';
    }
    case 'valueset': {
      const expansion = ctx.expansions.get(v.url);
      if (!expansion) throw badRequest(`No expansion is available for ValueSet '${v.url}'`);
      if (expansion.codes.length === 0) return 'false';
      const codes = [...new Set(expansion.codes.map((c) => indexKey(c.code)))];
      const pairs = expansion.codes.map((c) => `${c.system ?? ''}|${c.code}`);
      // A bare `code` element has no system of its own (its binding implies it): the code decides.
      return `(${col('code')} = ANY(${p.add(codes)}::text[]) AND (${col('system')} IS NULL OR (${col('system')} || '|' || ${col('code')}) = ANY(${p.add(pairs)}::text[])))`;
    }
    case 'string': {
      const norm = indexKey(normaliseText(v.value));
      if (modifier === 'exact') return `(${col('norm')} = ${p.add(norm)} AND ${col('exact')} = ${p.add(v.value)})`;
      if (modifier === 'contains') return `${col('norm')} LIKE ${p.add('%' + likeEscape(norm) + '%')}`;
      const like = `${col('norm')} LIKE ${p.add(likeEscape(norm) + '%')}`;
      if (!ctx.anchor || norm === '') return like;
      const above = successor(norm);
      return `(${col('norm')} ~>=~ ${p.add(norm)}${above === undefined ? '' : ` AND ${col('norm')} ~<~ ${p.add(above)}`} AND ${like})`;
    }
    case 'date': {
      // ap: overlap with the searched range widened by 10% of its distance from now (at least a day).
      const approx = (): string => {
        const gap = Math.max(86_400_000, 0.1 * Math.abs(Date.now() - Date.parse(v.range.low)));
        const al = `${p.add(new Date(Date.parse(v.range.low) - gap).toISOString())}::timestamptz`;
        const ah = `${p.add(new Date(Date.parse(v.range.high) + gap).toISOString())}::timestamptz`;
        return `(${col('low')} < ${ah} AND ${col('high')} > ${al})`;
      };
      return rangePredicate(v.prefix, col('low'), col('high'), p.lazy(v.range.low, 'timestamptz'), p.lazy(v.range.high, 'timestamptz'), approx);
    }
    case 'number':
    case 'quantity': {
      // A number's stored value is exact; the searched value carries its precision range.
      const value = col('value');
      const pl = p.lazy(v.low, 'numeric');
      const ph = p.lazy(v.high, 'numeric');
      const pv = p.lazy(v.value, 'numeric');
      const gap = p.lazy(Math.abs(v.value) * 0.1, 'numeric');
      let pred: string;
      switch (v.prefix) {
        case 'eq': pred = `(${value} >= ${pl()} AND ${value} < ${ph()})`; break;
        case 'ne': pred = `NOT (${value} >= ${pl()} AND ${value} < ${ph()})`; break;
        case 'gt': pred = `${value} > ${pv()}`; break;
        case 'lt': pred = `${value} < ${pv()}`; break;
        // sa / eb: beyond the whole range the searched value's precision implies.
        case 'sa': pred = `${value} >= ${ph()}`; break;
        case 'eb': pred = `${value} < ${pl()}`; break;
        case 'ge': pred = `${value} >= ${pv()}`; break;
        case 'le': pred = `${value} <= ${pv()}`; break;
        case 'ap': pred = `(${value} >= ${pv()} - ${gap()} AND ${value} <= ${pv()} + ${gap()})`; break;
      }
      if (v.kind === 'quantity') {
        if (v.system) pred += ` AND ${col('system')} = ${p.add(v.system)}`;
        // With a system the unit is a code in it; without one (`5||mg`) it may be the code or the unit text.
        if (v.code && v.system) pred += ` AND ${col('code')} = ${p.add(indexKey(v.code))}`;
        else if (v.code) pred += ` AND (${col('code')} = ${p.add(indexKey(v.code))} OR ${col('unit')} = ${p.add(normaliseText(v.code))})`;
      }
      return `(${pred})`;
    }
    case 'reference': {
      if (modifier === 'identifier') {
        const raw = v.id ?? '';
        const bar = raw.indexOf('|');
        if (bar < 0) return `${col('identifier_value')} = ${p.add(raw)}`;
        const system = raw.slice(0, bar);
        const value = raw.slice(bar + 1);
        const parts = [];
        if (system !== '') parts.push(`${col('identifier_system')} = ${p.add(system)}`);
        if (value !== '') parts.push(`${col('identifier_value')} = ${p.add(value)}`);
        return parts.length > 0 ? `(${parts.join(' AND ')})` : 'false';
      }
      const type = modifier && /^[A-Z]/.test(modifier) ? modifier : v.type;
      if (v.url && !v.id) return `${col('url')} = ${p.add(v.url)}`;
      const parts = [`${col('target_id')} = ${p.add(indexKey(v.id))}`];
      if (type) parts.push(`${col('target_type')} = ${p.add(type)}`);
      const local = `(${parts.join(' AND ')})`;
      return v.url ? `(${local} OR ${col('url')} = ${p.add(v.url)})` : local;
    }
    case 'uri': {
      if (modifier === 'below') return `${col('value')} LIKE ${p.add(likeEscape(indexKey(v.value)) + '%')}`;
      if (modifier === 'above') {
        return `${p.add(v.value)} LIKE replace(replace(replace(${col('value')}, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'`;
      }
      return `${col('value')} = ${p.add(indexKey(v.value))}`;
    }
    case 'near':
      return nearPredicate(v, col, p);
    case 'text':
    case 'composite':
    case 'missing':
      throw badRequest(`A ${v.kind} value cannot be compared here`);
  }
}

/**
 * The head of an index-table subquery: the rows of one parameter of one type in this tenant. A
 * parameter that is a union of others (see SearchParamDef.unionOf) reads its members' rows.
 */
function indexRows(table: string, alias: string, ctx: CompileContext, type: string, param: string | readonly string[]): string {
  return `${table} ${alias} WHERE ${indexKeys(alias, ctx, type, param)}`;
}

/** The conditions of `indexRows` on alias `alias`, without the table. */
function indexKeys(alias: string, ctx: CompileContext, type: string, param: string | readonly string[]): string {
  const codes = typeof param === 'string' ? [param] : param;
  const match = codes.length === 1 ? `= ${ctx.p.add(codes[0])}` : `= ANY(${ctx.p.add(codes)}::text[])`;
  return `${alias}.tenant_id = ${ctx.p.add(ctx.tenant)} AND ${alias}.resource_type = ${ctx.p.add(type)} AND ${alias}.param ${match}`;
}

/**
 * Whether row `a` has (or, negated, lacks) a row `x` in index table `table` meeting `cond`:
 * `a.rid IN (SELECT x.rid FROM table x WHERE cond)`. Under `ctx.correlate` the same test is made
 * per row, on the row's own index rows only: the inner subquery (OFFSET 0 keeps the outer
 * conditions from being pushed into it) can only be read through the index on `rid`, and the
 * outer OFFSET 0 keeps PostgreSQL from turning the EXISTS into a join it might drive from. A
 * generic plan, which knows no value, once scanned every row of a common code through the lookup
 * index for each of a patient's rows instead.
 */
function rowsIn(a: string, table: string, cond: string, negate: boolean, ctx: CompileContext): string {
  if (ctx.correlate) return `${negate ? 'NOT ' : ''}EXISTS (SELECT 1 FROM (SELECT * FROM ${table} WHERE rid = ${a}.rid OFFSET 0) x WHERE ${cond} OFFSET 0)`;
  if (ctx.rowTests?.length) {
    // Only a plain value anchors a search (see anchorRank): its tests must never be dropped.
    if (negate) throw new Error('a negated criterion cannot anchor a search');
    return `${a}.rid IN (SELECT ${CANDIDATE}.rid FROM (SELECT x.rid FROM ${table} x WHERE ${cond}) ${CANDIDATE} WHERE ${ctx.rowTests.join(' AND ')})`;
  }
  return `${a}.rid ${negate ? 'NOT IN' : 'IN'} (SELECT x.rid FROM ${table} x WHERE ${cond})`;
}

/**
 * How well criterion `c` anchors a search: whether driving the search from it is sound whatever
 * its value, so that its plan may be cached. 0: it does not. 2: it reads a handful of rows:
 * - one patient: a reference parameter (no modifier but `:Patient`) with one value naming a
 *   Patient, by type or because Patient is the parameter's only target; a search then reads at
 *   most that patient's references;
 * - one identifier: `identifier` with one value that has a code (`value` or `system|value`).
 *
 * 1: one string value, as a prefix (the default) or `:exact`: the search reads one range of the
 * parameter's lookup index, as a plan for that value would (a name is what people search by, and
 * the shortest prefix still reads only the rows that start with it).
 */
export function anchorRank(c: Criterion): number {
  if (c.kind !== 'value' || typeof c.def !== 'object' || c.values.length !== 1) return 0;
  const v = c.values[0]!;
  if (c.def.type === 'string') return (c.modifier === undefined || c.modifier === 'exact') && v.kind === 'string' && normaliseText(v.value) !== '' ? 1 : 0;
  if (c.def.type === 'token') return c.def.code === 'identifier' && c.modifier === undefined && v.kind === 'token' && !!v.code ? 2 : 0;
  if (c.def.type !== 'reference') return 0;
  if (c.modifier !== undefined && c.modifier !== 'Patient') return 0;
  if (v.kind !== 'reference' || !v.id || v.url !== undefined || v.id.includes('|')) return 0;
  const type = v.type ?? (c.modifier === 'Patient' ? 'Patient' : c.def.targets?.length === 1 ? c.def.targets[0] : undefined);
  return type === 'Patient' ? 2 : 0;
}

/** The criterion a search is best driven from (see `anchorRank`), or -1 when none anchors it. */
export function anchorOf(criteria: readonly Criterion[]): number {
  let best = -1;
  let rank = 0;
  criteria.forEach((c, i) => {
    const r = anchorRank(c);
    if (r > rank) [best, rank] = [i, r];
  });
  return best;
}

/**
 * Whether `c`'s per-row test reads only the row's index rows (by `rid`), so it can be made on an
 * anchor's candidates before their resource rows are read; `_id` and `_lastUpdated` test the
 * resource row itself.
 */
export function testsIndexRowsOnly(c: Criterion): boolean {
  return correlatable(c) && c.kind === 'value' && c.def !== 'id' && c.def !== 'lastUpdated';
}

/** Whether `c` compiles to per-row tests under `correlate` (plain value criteria of a single index table). */
export function correlatable(c: Criterion): boolean {
  if (c.kind !== 'value') return false;
  if (typeof c.def !== 'object') return true;
  return c.def.type !== 'composite' && c.def.type !== 'special' && INDEX_TABLE[c.def.type] !== undefined;
}

function valueCriterionSql(c: ValueCriterion, a: string, type: string, ctx: CompileContext): string {
  const { p } = ctx;
  const first = c.values[0];
  if (c.def === 'id' || c.def === 'lastUpdated') {
    if (first?.kind === 'missing') return first.missing ? 'false' : 'true';
    if (c.def === 'id') {
      const wanted = c.values.filter((v) => v.kind === 'token' && (v.system === undefined || v.system === null)).map((v) => (v.kind === 'token' ? v.code : ''));
      const match = `${a}.id = ANY(${p.add(wanted)}::text[])`;
      return c.modifier === 'not' ? `NOT ${match}` : match;
    }
    const ors = c.values.map((v) => {
      if (v.kind !== 'date') return 'false';
      const pl = p.lazy(v.range.low, 'timestamptz');
      const ph = p.lazy(v.range.high, 'timestamptz');
      const point = `(${a}.last_updated + interval '1 millisecond')`;
      return rangePredicate(v.prefix, `${a}.last_updated`, point, pl, ph, () => `(${a}.last_updated >= ${pl()} AND ${a}.last_updated < ${ph()})`);
    });
    return `(${ors.join(' OR ')})`;
  }
  if (c.def === 'text' || c.def === 'content') {
    const param = c.def === 'text' ? '_text' : '_content';
    const ors = c.values.map((v) => `x.doc @@ websearch_to_tsquery('english', ${p.add(v.kind === 'text' ? v.query : '')})`);
    return rowsIn(a, 'sp_text', `${indexKeys('x', ctx, type, param)} AND (${ors.join(' OR ')})`, false, ctx);
  }
  const def = c.def;
  if (def.type === 'composite') {
    const codes = storedCodes(def);
    if (first?.kind === 'missing') {
      const sub = `SELECT x.rid FROM ${indexRows(INDEX_TABLE[def.componentDefs?.[0]?.type ?? 'token'] ?? 'sp_token', 'x', ctx, type, codes.map((code) => `${code}$0`))}`;
      return first.missing ? `${a}.rid NOT IN (${sub})` : `${a}.rid IN (${sub})`;
    }
    const ors = c.values.flatMap((v) => codes.map((code) => compositeSql(code, def.componentDefs ?? [], v, type, ctx)));
    return `${a}.rid IN (${ors.join(' UNION ')})`;
  }
  const table = INDEX_TABLE[def.type];
  if (!table) throw badRequest(`Search parameter '${c.code}' is not supported`);
  const keys = indexKeys('x', ctx, type, storedCodes(def));
  if (first?.kind === 'missing') return rowsIn(a, table, keys, first.missing, ctx);
  const col = (name: string): string => `x.${name}`;
  const ors = c.values.map((v) => valuePredicate(c.modifier, v, col, ctx));
  return rowsIn(a, table, `${keys} AND (${ors.join(' OR ')})`, c.modifier === 'not' || c.modifier === 'not-in', ctx);
}

/** One composite value: every component's row must come from the same element (rid, grp). */
function compositeSql(
  code: string,
  components: readonly { type: string }[],
  v: SearchValue,
  type: string,
  ctx: CompileContext,
): string {
  if (v.kind !== 'composite') throw badRequest(`Composite parameter '${code}' needs a composite value`);
  const aliases = components.map((_, i) => `c${ctx.depth}_${i}`);
  const from: string[] = [];
  const where: string[] = [];
  components.forEach((component, i) => {
    const table = INDEX_TABLE[component.type];
    if (!table) throw badRequest(`Composite parameter '${code}' has a component of unsupported type ${component.type}`);
    const alias = aliases[i]!;
    from.push(`${table} ${alias}`);
    where.push(`${alias}.tenant_id = ${ctx.p.add(ctx.tenant)} AND ${alias}.resource_type = ${ctx.p.add(type)} AND ${alias}.param = ${ctx.p.add(`${code}$${i}`)}`);
    if (i > 0) where.push(`${alias}.rid = ${aliases[0]!}.rid AND ${alias}.grp = ${aliases[0]!}.grp`);
    where.push(valuePredicate(undefined, v.parts[i]!, (name) => `${alias}.${name}`, ctx));
  });
  return `SELECT ${aliases[0]!}.rid FROM ${from.join(', ')} WHERE ${where.join(' AND ')}`;
}

/**
 * The SQL predicate for one criterion on the resource row alias `a`, whose type is `type`.
 * Chains and `_has` recurse with fresh aliases; the rows they look through are held to the
 * context's row limit, so that nothing the caller may not see can make a criterion match.
 */
export function criterionSql(c: Criterion, a: string, type: string, ctx: CompileContext): string {
  const { p } = ctx;
  if (c.kind === 'value') return valueCriterionSql(c, a, type, ctx);
  const inner = { ...ctx, depth: ctx.depth + 1 };
  const s = `s${inner.depth}`;
  const t = `t${inner.depth}`;
  if (c.kind === 'chain') {
    const targets = readableTargets(ctx.limit, c.code, c.targets).map(({ type: targetType, criterion }) => {
      const nested = criterionSql(criterion, t, targetType, inner);
      return `(${s}.target_type = ${p.add(targetType)} AND ${s}.target_id IN (SELECT ${t}.id FROM resource ${t} WHERE ${t}.tenant_id = ${p.add(ctx.tenant)} AND ${t}.resource_type = ${p.add(targetType)} AND NOT ${t}.deleted AND ${nested}${limitSql(t, targetType, inner)}))`;
    });
    return `${a}.rid IN (SELECT ${s}.rid FROM ${indexRows('sp_reference', s, ctx, type, c.def.code)} AND ${s}.grp IS NULL AND (${targets.join(' OR ')}))`;
  }
  checkReadable(ctx.limit, c.code, c.sourceType);
  const nested = criterionSql(c.criterion, t, c.sourceType, inner);
  return `${a}.id IN (SELECT ${s}.target_id FROM sp_reference ${s} JOIN resource ${t} ON ${t}.rid = ${s}.rid WHERE ${s}.tenant_id = ${p.add(ctx.tenant)} AND ${s}.resource_type = ${p.add(c.sourceType)} AND ${s}.param = ${p.add(c.def.code)} AND ${s}.target_type = ${p.add(type)} AND ${s}.grp IS NULL AND NOT ${t}.deleted AND ${nested}${limitSql(t, c.sourceType, inner)})`;
}

/** ` AND <row limit>` for alias `a` of `type`, or nothing without a limit. */
function limitSql(a: string, type: string, ctx: CompileContext): string {
  return ctx.limit ? ` AND ${limitedRows(ctx.limit, a, type, ctx)}` : '';
}

/** The row limit's predicate on alias `a`; its scope filters compile as plain criteria (no limit of their own). */
export function limitedRows(limit: RowLimit, a: string, type: string, ctx: CompileContext): string {
  const plain: CompileContext = { tenant: ctx.tenant, p: ctx.p, expansions: ctx.expansions, depth: ctx.depth };
  return rowLimitSql(limit, a, type, ctx.tenant, ctx.p, (c, alias, t) => criterionSql(c, alias, t, plain));
}

/** ValueSet urls that `:in` / `:not-in` criteria need expanded, anywhere in the request's criteria. */
export function valueSetUrls(criteria: readonly Criterion[]): string[] {
  const out = new Set<string>();
  const visit = (c: Criterion): void => {
    if (c.kind === 'value') for (const v of c.values) if (v.kind === 'valueset') out.add(v.url);
    if (c.kind === 'chain') for (const t of c.targets) visit(t.criterion);
    if (c.kind === 'has') visit(c.criterion);
  };
  criteria.forEach(visit);
  return [...out];
}
