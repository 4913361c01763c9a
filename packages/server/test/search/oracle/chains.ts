/**
 * Chained (`subject:Patient.name=x`) and reverse-chained (`_has:Observation:subject:code=x`)
 * searches built from single searches the oracle has already judged: a chain selects the
 * resources whose reference parameter points (as a relative `Type/id`) at a resource the inner
 * search selects; `_has` selects the resources some resource of the other type points at with the
 * reference parameter while matching the inner search. Only plain token, string and date inner
 * searches are used, so the inner expectation is the oracle's own.
 */
import type { Typed } from './evaluate.ts';
import { spread } from './generate.ts';
import type { OracleParam, Search } from './match.ts';
import { references } from './values.ts';
import type { Json } from '../corpus.ts';

export interface Judged {
  type: string;
  search: Search;
  expected: Set<string>;
}

export interface ChainCase {
  type: string;
  query: string;
  label: string;
  expected: Set<string>;
}

export interface ChainInput {
  types: string[];
  resourcesOf: Map<string, Json[]>;
  /** Reference parameters per type with their evaluated values per resource. */
  referenceParams: Map<string, { param: OracleParam; values: Typed[][] }[]>;
  singles: Map<string, Judged[]>;
}

const RELATIVE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;

/** The `Type/id` targets a resource's reference values point at. */
function targetsOf(values: Typed[]): string[] {
  return values
    .flatMap(references)
    .map((r) => (r.ref === undefined ? null : RELATIVE.exec(r.ref)))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[1]}/${m[2]}`);
}

/** A plain single search on a type's own (not `Resource`-level) parameter that selects some but not all. */
const plain = (j: Judged, size: number): boolean =>
  j.search.modifier === undefined && !j.search.param.code.startsWith('_') && ['token', 'string', 'date'].includes(j.search.param.type) &&
  j.expected.size > 0 && j.expected.size < size;

/** Up to `n` plain searches, each on a different parameter. */
function pickInner(list: Judged[], size: number, n: number): Judged[] {
  const byParam = new Map<string, Judged>();
  for (const j of list) if (plain(j, size) && !byParam.has(j.search.param.code)) byParam.set(j.search.param.code, j);
  return spread(byParam.values(), n, (j) => j.search.param.code);
}

export function chainCases(input: ChainInput, perType: number): ChainCase[] {
  const out: ChainCase[] = [];
  for (const type of input.types) {
    const resources = input.resourcesOf.get(type) ?? [];
    const candidates: ChainCase[] = [];
    const reverse: ChainCase[] = [];
    const own = pickInner(input.singles.get(type) ?? [], resources.length, 1)[0];
    for (const { param, values } of input.referenceParams.get(type) ?? []) {
      for (const target of (param.targets ?? []).filter((t) => input.types.includes(t))) {
        const targetCount = input.resourcesOf.get(target)?.length ?? 0;
        const pointed = new Set(values.flatMap(targetsOf).filter((t) => t.startsWith(`${target}/`)));
        if (pointed.size === 0) continue;
        for (const inner of pickInner(input.singles.get(target) ?? [], targetCount, 2)) {
          const code = `${inner.search.param.code}`;
          // Forward chain: resources of `type` whose reference points at an inner match.
          const expected = new Set(
            resources.filter((_, i) => targetsOf(values[i]!).some((t) => t.startsWith(`${target}/`) && inner.expected.has(t.slice(target.length + 1)))).map((r) => String(r.id)),
          );
          candidates.push({ type, query: `${param.code}:${target}.${code}=${encodeURIComponent(inner.search.value)}`, label: `${type}.${param.code}:${target}.${code}`, expected });
          // Reverse chain, asked of the target type: targets pointed at by a `type` resource matching a single search.
          if (own === undefined) continue;
          const hasExpected = new Set<string>();
          resources.forEach((r, i) => {
            if (!own.expected.has(String(r.id))) return;
            for (const t of targetsOf(values[i]!)) if (t.startsWith(`${target}/`)) hasExpected.add(t.slice(target.length + 1));
          });
          const existing = new Set((input.resourcesOf.get(target) ?? []).map((r) => String(r.id)));
          reverse.push({
            type: target,
            query: `_has:${type}:${param.code}:${own.search.param.code}=${encodeURIComponent(own.search.value)}`,
            label: `${target}._has:${type}:${param.code}:${own.search.param.code}`,
            expected: new Set([...hasExpected].filter((id) => existing.has(id))),
          });
        }
      }
    }
    out.push(...spread(candidates, perType, (c) => c.query), ...spread(reverse, perType, (c) => c.query));
  }
  return out;
}
