/**
 * Expands ValueSets into plain code sets so required bindings can be checked without a
 * terminology server. An expansion is built from `compose.include` entries that list concepts
 * explicitly, name a whole CodeSystem held in the loaded bundles, or include other ValueSets; it
 * falls back to a stored `expansion`. Anything it cannot evaluate exactly (filters, CodeSystems
 * that are absent or not `complete`, intersections) makes the whole ValueSet "not checkable", and
 * callers must then accept any value: this never rejects on a guess. Expansions are cached per
 * instance. It does not handle versions beyond stripping `|version` suffixes, nor subsumption.
 */
import type {
  CodeSystem,
  CodeSystemConcept,
  Resource,
  ValueSet,
  ValueSetComposeInclude,
  ValueSetExpansionContains,
} from '@medplum/fhirtypes';

/** The codes of an expanded ValueSet, keyed by system, plus every code regardless of system. */
export interface Expansion {
  readonly url: string;
  readonly bySystem: ReadonlyMap<string, ReadonlySet<string>>;
  readonly codes: ReadonlySet<string>;
}

/** Builder result: `undefined` means the ValueSet cannot be evaluated exactly. */
type Codes = Map<string, Set<string>>;

export function stripVersion(canonical: string): string {
  const bar = canonical.indexOf('|');
  return bar < 0 ? canonical : canonical.slice(0, bar);
}

function addCode(codes: Codes, system: string, code: string | undefined): void {
  if (!code) return;
  let set = codes.get(system);
  if (!set) codes.set(system, (set = new Set()));
  set.add(code);
}

function addConcepts(codes: Codes, system: string, concepts: CodeSystemConcept[] | undefined): void {
  for (const concept of concepts ?? []) {
    addCode(codes, system, concept.code);
    addConcepts(codes, system, concept.concept);
  }
}

function addContains(codes: Codes, contains: ValueSetExpansionContains[] | undefined): void {
  for (const c of contains ?? []) {
    if (c.system) addCode(codes, c.system, c.code);
    addContains(codes, c.contains);
  }
}

export class Terminology {
  private readonly valueSets = new Map<string, ValueSet>();
  private readonly codeSystems = new Map<string, CodeSystem>();
  /** `null` marks "not checkable" (also used as the in-progress marker to break include cycles). */
  private readonly cache = new Map<string, Expansion | null>();

  constructor(resources: Iterable<Resource>) {
    for (const r of resources) {
      if (r.resourceType === 'ValueSet' && r.url && !this.valueSets.has(r.url)) this.valueSets.set(r.url, r);
      if (r.resourceType === 'CodeSystem' && r.url && !this.codeSystems.has(r.url)) this.codeSystems.set(r.url, r);
    }
  }

  /** The expansion of a ValueSet canonical, or `undefined` when it is unknown or not checkable. */
  expand(canonical: string): Expansion | undefined {
    const url = stripVersion(canonical);
    const cached = this.cache.get(url);
    if (cached !== undefined) return cached ?? undefined;
    this.cache.set(url, null);
    const codes = this.build(url);
    if (!codes) return undefined;
    const all = new Set<string>();
    for (const set of codes.values()) for (const code of set) all.add(code);
    const expansion: Expansion = { url, bySystem: codes, codes: all };
    this.cache.set(url, expansion);
    return expansion;
  }

  private build(url: string): Codes | undefined {
    const vs = this.valueSets.get(url);
    if (!vs) return undefined;
    const codes: Codes = new Map();
    if (!vs.compose) {
      if (!vs.expansion?.contains) return undefined;
      addContains(codes, vs.expansion.contains);
      return codes;
    }
    for (const include of vs.compose.include) {
      if (!this.include(codes, include)) return undefined;
    }
    // Excludes only ever shrink the set; one we cannot evaluate leaves it larger, which is safe.
    for (const exclude of vs.compose.exclude ?? []) {
      if (!exclude.system || exclude.filter || exclude.valueSet) continue;
      const set = codes.get(exclude.system);
      for (const c of exclude.concept ?? []) set?.delete(c.code);
    }
    return codes;
  }

  private include(codes: Codes, include: ValueSetComposeInclude): boolean {
    if (include.filter?.length) return false;
    if (include.valueSet?.length) {
      // Several ValueSets (or a ValueSet plus a system) in one include mean an intersection.
      if (include.valueSet.length > 1 || include.system) return false;
      const inner = this.expand(include.valueSet[0] as string);
      if (!inner) return false;
      for (const [system, set] of inner.bySystem) for (const code of set) addCode(codes, system, code);
      return true;
    }
    if (!include.system) return false;
    const system = stripVersion(include.system);
    if (include.concept?.length) {
      for (const c of include.concept) addCode(codes, system, c.code);
      return true;
    }
    const cs = this.codeSystems.get(system);
    if (!cs || cs.content !== 'complete') return false;
    if (!codes.has(system)) codes.set(system, new Set());
    addConcepts(codes, system, cs.concept);
    return true;
  }
}
