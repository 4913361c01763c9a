/**
 * Compiles the per-type parts of a SearchParameter expression with fhirpath.js (HL7's engine, R4
 * model) and evaluates them to typed values: each result carries its FHIR type (`HumanName`,
 * `date`, `Reference`, ...) so extraction can apply the search rules for that type without guessing
 * from the JSON shape. Parts rewritten from `.where(resolve() is T)` keep only references whose
 * declared type (the `Type` of `Type/id`, else `Reference.type`) is T. No I/O and no resolver.
 */
import fhirpath from 'fhirpath';
import r4model from 'fhirpath/fhir-context/r4';
import type { Resource } from '@medplum/fhirtypes';
import type { RewrittenPart } from './expression-parts.ts';
import { parseReference } from './reference-parse.ts';
import { compileFastPath } from './fast-path.ts';

/** One evaluation result: `type` is the FHIR type name (`string`, `CodeableConcept`, `boolean`...). */
export interface TypedValue {
  type: string;
  value: unknown;
}

export type Evaluator = (resource: Resource) => TypedValue[];

interface NodeLike {
  data: unknown;
  fhirNodeDataType: string | null;
}

function isNode(item: unknown): item is NodeLike {
  return typeof item === 'object' && item !== null && 'fhirNodeDataType' in item && 'data' in item;
}

function unwrapNumber(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && 'toNumber' in value) {
    return (value as { toNumber(): number }).toNumber();
  }
  return value;
}

function typeOfPlain(value: unknown): string | null {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return 'decimal';
  if (typeof value === 'object' && value !== null && 'resourceType' in value) {
    return String((value as { resourceType: unknown }).resourceType);
  }
  return null;
}

function toTyped(item: unknown): TypedValue | null {
  if (!isNode(item)) {
    const value = unwrapNumber(item);
    const type = typeOfPlain(value);
    return type === null ? null : { type, value };
  }
  const value = unwrapNumber(item.data);
  if (value === null || value === undefined) return null;
  let type = item.fhirNodeDataType ?? typeOfPlain(value);
  if (type === null) return null;
  if (type.startsWith('System.')) type = type.charAt(7).toLowerCase() + type.slice(8);
  return { type, value };
}

/** The resource type a value points at, for `resolve() is T` filtering; null when unknown. */
function pointedType(item: TypedValue): string | null {
  const value = item.value as { reference?: unknown; type?: unknown; resourceType?: unknown };
  if (item.type === 'Reference') {
    const parsed = typeof value.reference === 'string' ? parseReference(value.reference) : null;
    return parsed?.targetType ?? (typeof value.type === 'string' ? value.type : null);
  }
  return typeof value.resourceType === 'string' ? value.resourceType : null;
}

type CompiledPath = (resource: unknown, env?: Record<string, unknown>) => unknown;

/** The unfiltered evaluator for one part: the direct path walker where it applies, else fhirpath.js. */
export function compileRaw(expression: string): Evaluator {
  return compileFastPath(expression) ?? compileFhirpath(expression);
}

/** fhirpath.js alone, typed; exported so tests can hold the fast path to its results. */
export function compileFhirpath(expression: string): Evaluator {
  const compiled = fhirpath.compile(expression, r4model, { resolveInternalTypes: false }) as CompiledPath;
  return (resource) => {
    const out: TypedValue[] = [];
    for (const item of compiled(resource, {}) as unknown[]) {
      const typed = toTyped(item);
      if (typed !== null) out.push(typed);
    }
    return out;
  };
}

/**
 * An expression evaluated on an element rather than a resource (composite components): `base` is
 * the element's path (`Observation.component`), which gives fhirpath.js its type. `%resource` is
 * the containing resource.
 */
export function compileRelative(base: string, expression: string): (element: unknown, resource: Resource) => TypedValue[] {
  const compiled = fhirpath.compile({ base, expression } as unknown as string, r4model, { resolveInternalTypes: false }) as CompiledPath;
  return (element, resource) => {
    const out: TypedValue[] = [];
    for (const item of compiled(element, { resource, rootResource: resource }) as unknown[]) {
      const typed = toTyped(item);
      if (typed !== null) out.push(typed);
    }
    return out;
  };
}

function compilePart(part: RewrittenPart): Evaluator {
  const raw = compileRaw(part.expression);
  const filter = part.targetFilter;
  if (filter === null) return raw;
  return (resource) => {
    const out: TypedValue[] = [];
    for (const typed of raw(resource)) {
      const target = pointedType(typed);
      if (target !== null && filter.includes(target)) out.push(typed);
    }
    return out;
  };
}

/**
 * Compiles every part, then evaluates each once against a bare resource of `resourceType` so that
 * unknown functions (which fhirpath.js reports only when run) fail here rather than on a write.
 */
export function compileEvaluator(parts: RewrittenPart[], resourceType: string): Evaluator {
  const evaluators = parts.map(compilePart);
  const probe = { resourceType } as Resource;
  for (const evaluate of evaluators) evaluate(probe);
  if (evaluators.length === 1) return evaluators[0] as Evaluator;
  return (resource) => evaluators.flatMap((evaluate) => evaluate(resource));
}
