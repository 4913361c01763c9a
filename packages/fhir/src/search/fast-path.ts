/**
 * A fast evaluator for the search expressions that are plain paths: `Type.a.b`, optionally
 * ending in `.ofType(T)`, as about 95% of the R4 SearchParameter parts are once `as` and
 * `resolve()` have been rewritten. It walks the JSON directly and types each value from the same
 * R4 model fhirpath.js uses, so it returns exactly what fhirpath.js would (a test checks this over
 * every official example). Anything else (functions, filters, indexers, paths through a
 * contained Resource) is not compiled here and stays with fhirpath.js.
 */
import r4model from 'fhirpath/fhir-context/r4';
import type { Resource } from '@medplum/fhirtypes';
import type { TypedValue } from './fhirpath-evaluator.ts';

interface Model {
  path2Type: Record<string, string>;
  choiceTypePaths: Record<string, string[]>;
}
const model = r4model as unknown as Model;

const PLAIN_PATH = /^\(?([A-Z][A-Za-z]+)((?:\.[a-z][A-Za-z0-9]*)+)\)?(?:\.ofType\(([A-Za-z]+)\))?$/;
const PRIMITIVES = new Set([
  'boolean', 'integer', 'string', 'decimal', 'uri', 'url', 'canonical', 'base64Binary', 'instant', 'date',
  'dateTime', 'time', 'code', 'oid', 'id', 'markdown', 'unsignedInt', 'positiveInt', 'uuid',
]);

/** One navigation step: which JSON property to read and the FHIR type of what it holds. */
interface Step {
  property: string;
  type: string;
}

/**
 * Types with subtypes (`canonical` is a `uri`, `Age` a `Quantity`). `ofType` on them stays with
 * fhirpath.js, except on a choice element none of whose alternatives is such a subtype.
 */
const SUBTYPES: Record<string, readonly string[]> = {
  uri: ['url', 'canonical', 'oid', 'uuid'],
  string: ['code', 'id', 'markdown'],
  integer: ['positiveInt', 'unsignedInt'],
  decimal: [],
  Quantity: ['Age', 'Distance', 'Duration', 'Count', 'SimpleQuantity', 'MoneyQuantity'],
  Element: [],
  BackboneElement: [],
  Resource: [],
  DomainResource: [],
};

function fhirType(modelType: string): string {
  if (modelType.startsWith('System.')) return modelType.charAt(7).toLowerCase() + modelType.slice(8);
  return modelType;
}

function choiceType(suffix: string): string {
  const lower = suffix.charAt(0).toLowerCase() + suffix.slice(1);
  return PRIMITIVES.has(lower) ? lower : suffix;
}

/**
 * Plans the steps of a path: each step is a set of alternatives (several for a choice element).
 * Returns null when the path leaves what the model describes, so the caller falls back.
 */
function plan(resourceType: string, props: string[], ofType: string | undefined): Step[][] | null {
  const steps: Step[][] = [];
  let key = resourceType; // the model key for the element we are in: a type name or a backbone path
  for (let i = 0; i < props.length; i++) {
    const prop = props[i]!;
    const path = `${key}.${prop}`;
    const choices = model.choiceTypePaths[path];
    const last = i === props.length - 1;
    if (choices) {
      if (!last) return null; // navigating into one branch of a choice: leave it to fhirpath.js
      let alts = choices.map((c) => ({ property: prop + c, type: choiceType(c) }));
      if (ofType) {
        const subtypes = SUBTYPES[ofType] ?? [];
        if (ofType in SUBTYPES && subtypes.length === 0) return null;
        if (alts.some((a) => subtypes.includes(a.type))) return null;
        alts = alts.filter((a) => a.type === ofType);
      }
      steps.push(alts);
      return steps;
    }
    const t = model.path2Type[path];
    if (!t || t === 'Resource') return null;
    const type = fhirType(t);
    steps.push([{ property: prop, type }]);
    key = t === 'BackboneElement' || t === 'Element' ? path : t;
  }
  const end = steps[steps.length - 1]!;
  if (ofType && ofType in SUBTYPES) return null;
  if (ofType) {
    const kept = end.filter((s) => s.type === ofType);
    if (kept.length === 0) return null;
    steps[steps.length - 1] = kept;
  }
  return steps;
}

function walk(values: unknown[], step: Step[]): TypedValue[] {
  const out: TypedValue[] = [];
  for (const holder of values) {
    if (holder === null || typeof holder !== 'object') continue;
    for (const { property, type } of step) {
      const v = (holder as Record<string, unknown>)[property];
      if (v === undefined || v === null) continue;
      if (Array.isArray(v)) {
        for (const item of v) if (item !== null && item !== undefined) out.push({ type, value: item });
      } else out.push({ type, value: v });
    }
  }
  return out;
}

/** A direct evaluator for `expression`, or null when it is not a plain path. */
export function compileFastPath(expression: string): ((resource: Resource) => TypedValue[]) | null {
  const m = PLAIN_PATH.exec(expression.trim());
  if (!m) return null;
  const [, resourceType, dotted, ofType] = m;
  const steps = plan(resourceType!, dotted!.slice(1).split('.'), ofType);
  if (!steps) return null;
  // `Resource.meta.tag` and `DomainResource.text` apply to every resource.
  const anyType = resourceType === 'Resource' || resourceType === 'DomainResource';
  return (resource) => {
    if (!anyType && resource.resourceType !== resourceType) return [];
    let current: TypedValue[] = [{ type: resourceType, value: resource }];
    for (const step of steps) {
      current = walk(current.map((c) => c.value), step);
      if (current.length === 0) break;
    }
    return current;
  };
}
