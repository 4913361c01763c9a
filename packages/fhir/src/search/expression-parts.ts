/**
 * Text-level surgery on SearchParameter FHIRPath expressions, done once when the registry is built.
 *
 * R4 expressions are often unions over many resource types (`AllergyIntolerance.patient |
 * CarePlan.subject.where(resolve() is Patient) | ...`). `splitUnion` cuts an expression on its
 * top-level `|` (never inside parentheses, brackets or string literals) and `partsForType` keeps the
 * parts that apply to one resource type. `rewriteResolve` removes `.where(resolve() is T)`, which
 * fhirpath.js cannot evaluate without an asynchronous resolver, and reports T so the caller can
 * filter references by their declared type instead. `rewriteAs` turns `(X as T)` and `X.as(T)` into
 * `X.ofType(T)`: R4 writes `(ActivityDefinition.useContext.value as CodeableConcept)` over
 * repeating elements, and FHIRPath's `as` throws on more than one item. Nothing here parses FHIRPath fully; the
 * fhirpath library compiles the resulting parts and reports anything this leaves broken.
 */

/** Splits on `|` at nesting depth zero, outside quoted strings and backtick identifiers. */
export function splitUnion(expression: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const ch = expression[i];
    if (quote !== null) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === "'" || ch === '`') quote = ch;
    else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    else if (ch === '|' && depth === 0) {
      parts.push(expression.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(expression.slice(start).trim());
  return parts.filter((part) => part.length > 0);
}

/** The identifier an expression part starts with, ignoring opening parentheses: `(Observation.value as X)` → `Observation`. */
export function leadingIdentifier(part: string): string | null {
  const match = /^[\s(]*([A-Za-z_][A-Za-z0-9_]*)/.exec(part);
  return match?.[1] ?? null;
}

/**
 * The parts of `expression` that apply to `resourceType`: those starting with that type, and those
 * not starting with any resource type name (for example `Resource.meta.tag`, `%resource...`).
 */
export function partsForType(
  expression: string,
  resourceType: string,
  isTypeName: (name: string) => boolean,
): string[] {
  return splitUnion(expression).filter((part) => {
    const head = leadingIdentifier(part);
    if (head === null || head === resourceType) return true;
    if (head === 'Resource' || head === 'DomainResource') return true;
    return !isTypeName(head);
  });
}

const PAREN_AS = /\(([^()|]+?)\s+as\s+([A-Za-z][A-Za-z0-9]*)\)/g;
const BARE_AS = /^([^()|]+?)\s+as\s+([A-Za-z][A-Za-z0-9]*)$/;
const AS_CALL = /\.as\(\s*([A-Za-z][A-Za-z0-9]*)\s*\)/g;

/** `(X as T)`, `X as T` and `X.as(T)` → `X.ofType(T)`; equal on one item, and defined on many. */
export function rewriteAs(part: string): string {
  return part
    .replace(PAREN_AS, (_m, path: string, type: string) => `${path.trim()}.ofType(${type})`)
    .replace(BARE_AS, (_m, path: string, type: string) => `${path.trim()}.ofType(${type})`)
    .replace(AS_CALL, (_m, type: string) => `.ofType(${type})`);
}

export interface RewrittenPart {
  expression: string;
  /** Resource types a reference must point at, from `resolve() is T`; null when unfiltered. */
  targetFilter: string[] | null;
}

const WHERE_RESOLVE_IS =
  /\.where\(\s*((?:resolve\(\)\s+is\s+[A-Za-z]+)(?:\s+or\s+resolve\(\)\s+is\s+[A-Za-z]+)*)\s*\)/g;

/**
 * Applies `rewriteAs`, then rewrites `X.where(resolve() is T)` (also `... or resolve() is U`) to `X` and returns the types.
 * Throws when `resolve()` survives the rewrite, because fhirpath.js would throw on every evaluation.
 */
export function rewriteResolve(part: string): RewrittenPart {
  let targetFilter: string[] | null = null;
  const expression = rewriteAs(part).replace(WHERE_RESOLVE_IS, (_match, condition: string) => {
    const types = [...condition.matchAll(/is\s+([A-Za-z]+)/g)].map((m) => m[1] ?? '');
    targetFilter = targetFilter === null ? types : targetFilter.filter((t) => types.includes(t));
    return '';
  });
  if (expression.includes('resolve()')) {
    throw new Error(`resolve() is only supported as .where(resolve() is Type): ${part}`);
  }
  return { expression, targetFilter };
}
