/**
 * Draws search values from the loaded data: for each parameter, a few values its expression
 * actually gives (picked deterministically, spread over the sorted distinct values), spelled the
 * ways R4 allows for the parameter's type (prefixes and precisions for dates, `system|code`,
 * `code`, `|code` and `system|` for tokens, prefixes and case/accent variants for strings, units
 * for quantities, `Type/id` and bare ids for references...), plus `:missing`, an OR list and a
 * value that matches nothing. At most about twenty searches per parameter. The `ap` prefix is not
 * generated: R4 leaves its tolerance to the server, so there is no independent expectation.
 */
import { compositeBases, evaluate, type Typed } from './evaluate.ts';
import type { OracleParam, Search } from './match.ts';
import { dateRanges, quantities, references, stringParts, tokenEntries, uris } from './values.ts';
import type { Json } from '../corpus.ts';

/** `n` elements spread evenly over the sorted distinct `items`. */
export function spread<T>(items: Iterable<T>, n: number, key: (t: T) => string = String): T[] {
  const unique = [...new Map([...items].map((t) => [key(t), t])).entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, t]) => t);
  if (unique.length <= n) return unique;
  return Array.from({ length: n }, (_, i) => unique[Math.floor((i * unique.length) / n)]!);
}

const esc = (s: string): string => s.replace(/[\\,|$]/g, (c) => `\\${c}`);

function tokenSearches(all: Typed[]): { modifier?: string; value: string }[] {
  const entries = all.flatMap(tokenEntries);
  const coded = entries.filter((e) => e.code !== undefined);
  const out: { modifier?: string; value: string }[] = [];
  for (const e of spread(coded.filter((x) => x.system !== undefined), 3, (x) => `${x.system}|${x.code}`)) out.push({ value: `${esc(e.system!)}|${esc(e.code!)}` });
  const codes = spread(coded.map((e) => e.code!), 3);
  for (const c of codes.slice(0, 2)) out.push({ value: esc(c) });
  if (codes.length >= 2) out.push({ value: `${esc(codes[0]!)},${esc(codes[codes.length - 1]!)}` });
  const bare = coded.find((e) => e.system === undefined) ?? coded[0];
  if (bare) out.push({ value: `|${esc(bare.code!)}` });
  const system = spread(coded.filter((e) => e.system !== undefined).map((e) => e.system!), 1)[0];
  if (system) out.push({ value: `${esc(system)}|` });
  const negated = coded.find((e) => e.system !== undefined) ?? coded[0];
  if (negated) out.push({ modifier: 'not', value: negated.system ? `${esc(negated.system)}|${esc(negated.code!)}` : esc(negated.code!) });
  const text = spread(entries.flatMap((e) => e.texts), 1)[0];
  if (text) out.push({ modifier: 'text', value: esc(text.slice(0, Math.max(3, Math.ceil(text.length / 2)))) });
  const typed = coded.find((e) => e.types.some((t) => t.system && t.code));
  const type = typed?.types.find((t) => t.system && t.code);
  if (typed && type) out.push({ modifier: 'of-type', value: `${type.system}|${type.code}|${typed.code}` });
  out.push({ value: 'oracle-no-such-code' });
  return out;
}

function stringSearches(all: Typed[]): { modifier?: string; value: string }[] {
  const parts = spread(all.flatMap(stringParts), 3);
  const out: { modifier?: string; value: string }[] = [];
  for (const [i, p] of parts.entries()) {
    out.push({ value: esc(p.slice(0, Math.min(p.length, 2 + i)).trim() || p) });
    out.push({ value: esc(p.toUpperCase()) });
    out.push({ modifier: 'exact', value: esc(p) });
  }
  const accented = all.flatMap(stringParts).find((p) => p.normalize('NFD') !== p);
  if (accented) out.push({ value: esc(accented.normalize('NFD').replace(/\p{M}/gu, '')) });
  const first = parts[0];
  if (first) {
    out.push({ modifier: 'exact', value: esc(first.toLowerCase() === first ? first.toUpperCase() : first.toLowerCase()) });
    if (first.length > 3) out.push({ modifier: 'contains', value: esc(first.slice(1, -1)) });
  }
  if (parts.length >= 2) out.push({ value: `${esc(parts[0]!.slice(0, 3))},${esc(parts[1]!.slice(0, 3))}` });
  out.push({ value: 'zzqx-oracle' });
  return out;
}

const PREFIXES = ['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb'] as const;

/** The text cut to a precision: year, month, day or second (keeping its zone, or UTC). */
function atPrecision(text: string, precision: number): string {
  const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?:T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(text);
  if (!m) return text;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', zone = 'Z'] = m;
  return [y, `${y}-${mo}`, `${y}-${mo}-${d}`, `${y}-${mo}-${d}T${h}:${mi}:${s}${zone}`][precision]!;
}

function dateTexts(t: Typed): string[] {
  const v = t.value as Record<string, unknown>;
  if (typeof t.value === 'string') return [t.value];
  if (t.type === 'Period') return [v.start, v.end].filter((x): x is string => typeof x === 'string');
  if (t.type === 'Timing') return ((v.event ?? []) as string[]).slice(0, 1);
  return [];
}

function dateSearches(all: Typed[]): { modifier?: string; value: string }[] {
  const texts = spread(all.filter((t) => dateRanges(t).length > 0).flatMap(dateTexts), 3);
  const out: { value: string }[] = [];
  if (texts.length === 0) return [{ value: 'ge2000-01-01' }];
  for (let i = 0; i < 16; i++) {
    const precision = (i + Math.floor(i / 8)) % 4;
    out.push({ value: `${PREFIXES[i % 8]}${atPrecision(texts[i % texts.length]!, precision)}` });
  }
  out.push({ value: `${atPrecision(texts[0]!, 0)},${atPrecision(texts[texts.length - 1]!, 2)}` });
  return out;
}

function quantitySearches(all: Typed[]): { modifier?: string; value: string }[] {
  const qs = spread(all.flatMap(quantities), 3, (q) => `${q.value.m}e${q.value.e}|${q.system}|${q.code}|${q.unit}`);
  const out: { value: string }[] = [];
  for (const [i, q] of qs.entries()) {
    const exact = `${q.value.m}e${q.value.e}`;
    const n = Number(exact);
    out.push({ value: String(n) });
    if (q.system && q.code) out.push({ value: `${n}|${esc(q.system)}|${esc(q.code)}` });
    if (q.code) out.push({ value: `${n}||${esc(q.code)}` });
    if (q.unit && q.unit !== q.code) out.push({ value: `${n}||${esc(q.unit)}` });
    const rounded = String(Math.round(n));
    out.push({ value: `${n.toFixed(1)}` });
    for (const prefix of PREFIXES.slice(1)) if ((PREFIXES.indexOf(prefix) + i) % 2 === 0) out.push({ value: `${prefix}${rounded}` });
  }
  if (qs.length === 0) out.push({ value: 'gt0' });
  return out;
}

function referenceSearches(all: Typed[], targets: string[]): { modifier?: string; value: string }[] {
  const refs = all.flatMap(references);
  const relative = spread(refs.map((r) => r.ref).filter((r): r is string => r !== undefined && /^[A-Z][A-Za-z]+\/[^/]+$/.test(r)), 3);
  const out: { modifier?: string; value: string }[] = relative.map((r) => ({ value: r }));
  for (const r of relative.slice(0, 2)) out.push({ value: r.split('/')[1]! });
  // The `:Type` modifier names one of the declared targets (an example may point elsewhere).
  const typed = relative.find((r) => targets.includes(r.split('/')[0]!));
  if (typed) out.push({ modifier: typed.split('/')[0]!, value: typed.split('/')[1]! });
  if (relative.length >= 2) out.push({ value: `${relative[0]},${relative[relative.length - 1]}` });
  const absolute = spread(refs.map((r) => r.ref).filter((r): r is string => r !== undefined && /^[a-z][a-z0-9+.-]*:/i.test(r)), 2);
  for (const r of absolute) out.push({ value: esc(r) });
  const identified = refs.find((r) => r.identifier?.value !== undefined);
  if (identified?.identifier) {
    const id = identified.identifier;
    out.push({ modifier: 'identifier', value: id.system ? `${esc(id.system)}|${esc(id.value!)}` : esc(id.value!) });
  }
  out.push({ value: 'Patient/oracle-nobody' });
  return out;
}

function uriSearches(all: Typed[]): { modifier?: string; value: string }[] {
  const values = spread(all.flatMap(uris), 3);
  const out: { modifier?: string; value: string }[] = values.map((v) => ({ value: esc(v) }));
  const slash = values.find((v) => v.lastIndexOf('/') > v.indexOf('//') + 2);
  if (slash) out.push({ modifier: 'below', value: esc(slash.slice(0, slash.lastIndexOf('/'))) });
  out.push({ value: 'http://example.org/oracle-nothing' });
  return out;
}

function compositeSearches(param: OracleParam, resources: Json[]): { value: string }[] {
  const components = param.components ?? [];
  const pairs: string[] = [];
  for (const resource of resources) {
    for (const node of compositeBases(resource, param.expression)) {
      const [first, second] = components.map((c) => evaluate(node.data, c.expression, node.path));
      const code = first?.flatMap(tokenEntries).find((e) => e.code !== undefined && e.system !== undefined);
      if (!code || !second || second.length === 0) continue;
      const left = `${esc(code.system!)}|${esc(code.code!)}`;
      const kind = components[1]!.type;
      if (kind === 'quantity') {
        const q = second.flatMap(quantities)[0];
        if (q) {
          const n = Number(`${q.value.m}e${q.value.e}`);
          pairs.push(`${left}$${n}`, `${esc(code.code!)}$gt${Math.floor(n)}`, `${left}$le${Math.round(n)}${q.system && q.code ? `|${esc(q.system)}|${esc(q.code)}` : ''}`);
        }
      } else if (kind === 'token') {
        const t = second.flatMap(tokenEntries).find((e) => e.code !== undefined);
        if (t) pairs.push(`${left}$${t.system ? `${esc(t.system)}|` : ''}${esc(t.code!)}`, `${esc(code.code!)}$${esc(t.code!)}`);
      } else if (kind === 'date') {
        const text = second.flatMap(dateTexts)[0];
        if (text) pairs.push(`${left}$${atPrecision(text, 2)}`, `${left}$ge${atPrecision(text, 0)}`);
      } else if (kind === 'string') {
        const s = second.flatMap(stringParts)[0];
        if (s) pairs.push(`${left}$${esc(s.slice(0, 3))}`);
      }
    }
  }
  return spread(pairs, 8).map((value) => ({ value }));
}

/** The searches for one parameter over the resources of one type (with their evaluated values). */
export function searchesFor(param: OracleParam, resources: Json[], values: Typed[][]): Search[] {
  const all = values.flat();
  let specs: { modifier?: string; value: string }[];
  switch (param.type) {
    case 'token': specs = tokenSearches(all); break;
    case 'string': specs = stringSearches(all); break;
    case 'date': specs = dateSearches(all); break;
    case 'quantity': specs = quantitySearches(all); break;
    case 'reference': specs = referenceSearches(all, param.targets ?? []); break;
    case 'uri': specs = uriSearches(all); break;
    case 'composite': specs = compositeSearches(param, resources); break;
    case 'number':
    case 'special':
      specs = [];
  }
  if (param.type !== 'composite') specs.push({ modifier: 'missing', value: 'true' }, { modifier: 'missing', value: 'false' });
  return specs.map((s) => ({ param, ...s }));
}
