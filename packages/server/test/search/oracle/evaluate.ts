/**
 * The oracle's own FHIRPath evaluation of SearchParameter expressions, written apart from the
 * server's extraction code: each part of the (union) expression is evaluated by fhirpath.js with
 * its R4 model, and each result keeps the FHIR type the model gives it. Two R4 idioms fhirpath.js cannot
 * run are rewritten textually first: `X.where(resolve() is T)` tests the reference string's type
 * instead of resolving (no resolver here), and `X as T` / `X.as(T)` become `X.ofType(T)`, which the
 * R4 technical correction prescribes because `as` throws on collections of several items.
 */
import fhirpath from 'fhirpath';
import r4 from 'fhirpath/fhir-context/r4';
import type { Json } from '../corpus.ts';

export interface Typed {
  /** FHIR type name from the R4 model: `HumanName`, `dateTime`, `code`, `boolean`... */
  type: string;
  value: unknown;
}

/** `.where(resolve() is T or resolve() is U)` → a test of the reference string's resource type. */
function rewriteResolve(expression: string): string {
  return expression.replace(/\.where\(((?:\s*(?:or\s+)?resolve\(\)\s+is\s+[A-Za-z]+)+)\s*\)/g, (_m, cond: string) => {
    const types = [...cond.matchAll(/is\s+([A-Za-z]+)/g)].map((m) => m[1]!);
    return `.where(reference.matches('^(.*/)?(${types.join('|')})/[^/]+(/_history/[^/]+)?$'))`;
  });
}

/** A type name as fhirpath.js reads it unambiguously: `FHIR.Quantity`, `FHIR.dateTime` (never System.Quantity). */
function fhirType(name: string): string {
  const primitive = /^(String|Boolean|DateTime|Date|Decimal|Integer|Time)$/.test(name);
  return `FHIR.${primitive ? name.charAt(0).toLowerCase() + name.slice(1) : name}`;
}

function rewriteAs(expression: string): string {
  return expression
    .replace(/\s+as\s+([A-Za-z]+)\s*\)/g, (_m, type: string) => `.ofType(${fhirType(type)}))`)
    .replace(/\.as\(([A-Za-z]+)\)/g, (_m, type: string) => `.ofType(${fhirType(type)})`);
}

export function rewrite(expression: string): string {
  return rewriteAs(rewriteResolve(expression));
}

interface Node {
  data: unknown;
  fhirNodeDataType?: string | null;
}

function typedOf(item: unknown): Typed | null {
  const node = item as Node;
  if (item !== null && typeof item === 'object' && 'fhirNodeDataType' in node) {
    const raw = node.data;
    const value = typeof raw === 'object' && raw !== null && 'toNumber' in raw ? (raw as { toNumber(): number }).toNumber() : raw;
    if (value === null || value === undefined) return null;
    const declared = node.fhirNodeDataType ?? (typeof value === 'string' ? 'string' : typeof value === 'boolean' ? 'boolean' : 'decimal');
    const type = declared.startsWith('System.') ? declared.charAt(7).toLowerCase() + declared.slice(8) : declared;
    return { type, value };
  }
  if (typeof item === 'boolean') return { type: 'boolean', value: item };
  if (typeof item === 'string') return { type: 'string', value: item };
  if (typeof item === 'number') return { type: 'decimal', value: item };
  return null;
}

type Compiled = (resource: unknown) => unknown[];

/**
 * The top-level `|` parts of an expression. They are evaluated one by one and concatenated:
 * fhirpath.js's union compares items for de-duplication and throws on a Quantity with a
 * comparator, and duplicates do not change what a search matches.
 */
function unionParts(expression: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === "'") quoted = false;
    } else if (c === "'") quoted = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      parts.push(expression.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(expression.slice(start));
  return parts.map((p) => p.trim());
}

const cache = new Map<string, Compiled>();

function compiled(expression: string, base?: string): Compiled {
  const key = `${base ?? ''}::${expression}`;
  let fn = cache.get(key);
  if (fn === undefined) {
    const parts = unionParts(rewrite(expression)).map(
      (expr) => fhirpath.compile(base ? { base, expression: expr } : expr, r4, { resolveInternalTypes: false }) as (r: unknown, env?: object) => unknown[],
    );
    fn = (resource) => parts.flatMap((part) => part(resource, {}));
    cache.set(key, fn);
  }
  return fn;
}

/** The typed values `expression` gives on `resource`, or on an element at model path `base`. */
export function evaluate(resource: unknown, expression: string, base?: string): Typed[] {
  return compiled(expression, base)(resource)
    .map(typedOf)
    .filter((t): t is Typed => t !== null);
}

/** The element nodes a composite's base expression gives, with the model path to evaluate components at. */
export function compositeBases(resource: Json, expression: string): { path: string; data: unknown }[] {
  const out: { path: string; data: unknown }[] = [];
  for (const item of compiled(expression)(resource)) {
    const node = item as Node & { path?: string };
    if (node && typeof node === 'object' && 'data' in node) out.push({ path: node.path ?? String(resource.resourceType), data: node.data });
  }
  return out;
}
