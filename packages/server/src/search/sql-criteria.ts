/**
 * Compiles typed search criteria into parameterised SQL predicates over the index tables.
 *
 * Each criterion becomes `r.rid IN (SELECT rid FROM sp_x WHERE ...)` (or NOT IN for `:not` and
 * `:missing=true`). Date, number and quantity prefixes follow the R4 range rules: the stored value
 * is a range [low, high) and so is the searched one. Values only ever travel as bind parameters.
 */
import type { Criterion, Prefix, SearchValue } from '@continuum/fhir';
import { badRequest, normaliseText } from '@continuum/fhir';
import { indexKey } from '../store/index-tables.ts';

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

const TABLE: Record<string, string> = {
  string: 'sp_string',
  token: 'sp_token',
  date: 'sp_date',
  number: 'sp_number',
  quantity: 'sp_quantity',
  reference: 'sp_reference',
  uri: 'sp_uri',
};

const likeEscape = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Range comparison by prefix; `lo`/`hi` are the stored range columns, `pl`/`ph` the searched. */
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

function valuePredicate(c: Criterion, v: SearchValue, p: Params): string {
  const mod = c.modifier;
  switch (v.kind) {
    case 'token': {
      if (mod === 'text') return `text LIKE ${p.add(likeEscape(normaliseText(v.code ?? '')) + '%')}`;
      if (mod === 'of-type') {
        const [ts, tc, value] = (v.system === undefined ? (v.code ?? '') : `${v.system ?? ''}|${v.code ?? ''}`).split('|');
        if (value === undefined) throw badRequest(`:of-type takes system|code|value`);
        return `(type_system = ${p.add(ts)} AND type_code = ${p.add(tc)} AND code = ${p.add(value)})`;
      }
      const parts: string[] = [];
      if (v.code !== undefined) parts.push(`code = ${p.add(indexKey(v.code))}`);
      if (v.system === null) parts.push('system IS NULL');
      else if (v.system !== undefined) parts.push(`system = ${p.add(indexKey(v.system))}`);
      return parts.length ? `(${parts.join(' AND ')})` : 'true';
    }
    case 'string': {
      const norm = indexKey(normaliseText(v.value));
      if (mod === 'exact') return `(norm = ${p.add(norm)} AND exact = ${p.add(v.value)})`;
      if (mod === 'contains') return `norm LIKE ${p.add('%' + likeEscape(norm) + '%')}`;
      return `norm LIKE ${p.add(likeEscape(norm) + '%')}`;
    }
    case 'date': {
      // ap: overlap with the searched range widened by 10% of its distance from now (at least a day).
      const approx = (): string => {
        const gap = Math.max(86_400_000, 0.1 * Math.abs(Date.now() - Date.parse(v.range.low)));
        const al = `${p.add(new Date(Date.parse(v.range.low) - gap).toISOString())}::timestamptz`;
        const ah = `${p.add(new Date(Date.parse(v.range.high) + gap).toISOString())}::timestamptz`;
        return `(low < ${ah} AND high > ${al})`;
      };
      return rangePredicate(v.prefix, 'low', 'high', p.lazy(v.range.low, 'timestamptz'), p.lazy(v.range.high, 'timestamptz'), approx);
    }
    case 'number':
    case 'quantity': {
      // A number's stored value is exact; the searched value carries its precision range.
      const pl = p.lazy(v.low, 'numeric');
      const ph = p.lazy(v.high, 'numeric');
      const pv = p.lazy(v.value, 'numeric');
      const gap = p.lazy(Math.abs(v.value) * 0.1, 'numeric');
      let pred: string;
      switch (v.prefix) {
        case 'eq': pred = `(value >= ${pl()} AND value < ${ph()})`; break;
        case 'ne': pred = `NOT (value >= ${pl()} AND value < ${ph()})`; break;
        case 'gt': case 'sa': pred = `value > ${pv()}`; break;
        case 'lt': case 'eb': pred = `value < ${pv()}`; break;
        case 'ge': pred = `value >= ${pv()}`; break;
        case 'le': pred = `value <= ${pv()}`; break;
        case 'ap': pred = `(value >= ${pv()} - ${gap()} AND value <= ${pv()} + ${gap()})`; break;
      }
      if (v.kind === 'quantity') {
        if (v.system) pred += ` AND system = ${p.add(v.system)}`;
        if (v.code) pred += ` AND (code = ${p.add(v.code)} OR (code IS NULL AND unit = ${p.add(normaliseText(v.code))}))`;
      }
      return `(${pred})`;
    }
    case 'reference': {
      if (mod === 'identifier') {
        const [system, value] = (v.id ?? '').includes('|') ? (v.id ?? '').split('|') : [undefined, v.id];
        return system
          ? `(identifier_system = ${p.add(system)} AND identifier_value = ${p.add(value)})`
          : `identifier_value = ${p.add(value)}`;
      }
      const type = mod && /^[A-Z]/.test(mod) ? mod : v.type;
      if (v.url && !v.id) return `url = ${p.add(v.url)}`;
      const parts = [`target_id = ${p.add(indexKey(v.id))}`];
      if (type) parts.push(`target_type = ${p.add(type)}`);
      const local = `(${parts.join(' AND ')})`;
      return v.url ? `(${local} OR url = ${p.add(v.url)})` : local;
    }
    case 'uri': {
      if (mod === 'below') return `value LIKE ${p.add(likeEscape(indexKey(v.value)) + '%')}`;
      if (mod === 'above') return `${p.add(v.value)} LIKE replace(replace(replace(value, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'`;
      return `value = ${p.add(indexKey(v.value))}`;
    }
    case 'missing':
      return 'true';
  }
}

/** The SQL predicate for one criterion, on the row alias `r` of the resource table. */
export function criterionSql(c: Criterion, tenant: string, resourceType: string, p: Params): string {
  if (c.def === 'id') {
    return `r.id = ANY(${p.add(c.values.map((v) => (v.kind === 'token' ? v.code : '')))}::text[])`;
  }
  if (c.def === 'lastUpdated') {
    const ors = c.values.map((v) => {
      if (v.kind !== 'date') return 'false';
      const pl = p.lazy(v.range.low, 'timestamptz');
      const ph = p.lazy(v.range.high, 'timestamptz');
      const point = "(r.last_updated + interval '1 millisecond')";
      return rangePredicate(v.prefix, 'r.last_updated', point, pl, ph, () => `(r.last_updated >= ${pl()} AND r.last_updated < ${ph()})`);
    });
    return `(${ors.join(' OR ')})`;
  }
  const table = TABLE[c.def.type];
  if (!table) throw badRequest(`Search parameter '${c.code}' is not supported`);
  const head = `SELECT rid FROM ${table} WHERE tenant_id = ${p.add(tenant)} AND resource_type = ${p.add(resourceType)} AND param = ${p.add(c.code)}`;
  const first = c.values[0];
  if (first?.kind === 'missing') {
    return first.missing ? `r.rid NOT IN (${head})` : `r.rid IN (${head})`;
  }
  const ors = c.values.map((v) => valuePredicate(c, v, p));
  const sub = `${head} AND (${ors.join(' OR ')})`;
  return c.modifier === 'not' ? `r.rid NOT IN (${sub})` : `r.rid IN (${sub})`;
}
