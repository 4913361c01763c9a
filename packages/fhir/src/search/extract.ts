/**
 * Computes the search-index rows of one resource: every search parameter the registry holds for
 * the resource's type is evaluated once and its values turned into rows by the rules for the
 * parameter's type; composite parameters give component rows numbered by element, and every
 * resource gets full-text rows. The special parameter `near` gives position rows (latitude and
 * longitude). Pure and synchronous; called on every write, so it evaluates only the pre-split,
 * pre-compiled per-type expressions.
 * A parameter whose evaluation throws on unusual data contributes no rows rather than failing the
 * write; `extractIndexRowsStrict` rethrows instead, for tests and reindex diagnostics.
 */
import type { Resource } from '@medplum/fhirtypes';
import { addDateRows } from './date-rows.ts';
import type { TypedValue } from './fhirpath-evaluator.ts';
import { emptyIndexRows } from './index-rows.ts';
import type { IndexRows } from './index-rows.ts';
import { addPositionRows } from './position-rows.ts';
import { addNumberRows, addQuantityRows } from './quantity-rows.ts';
import { addReferenceRows, addUriRows } from './reference-rows.ts';
import type { SearchParamDef, SearchParamRegistry } from './registry.ts';
import { addStringRows } from './string-rows.ts';
import { addTextRows } from './text-rows.ts';
import { addTokenRows } from './token-rows.ts';

function addRows(def: SearchParamDef, values: readonly TypedValue[], rows: IndexRows): void {
  switch (def.type) {
    case 'string':
      return addStringRows(def.code, values, rows.string);
    case 'token':
      return addTokenRows(def.code, values, rows.token);
    case 'date':
      return addDateRows(def.code, values, rows.date);
    case 'number':
      return addNumberRows(def.code, values, rows.number);
    case 'quantity':
      return addQuantityRows(def.code, values, rows.quantity);
    case 'reference':
      return addReferenceRows(def.code, values, rows.reference);
    case 'uri':
      return addUriRows(def.code, values, rows.uri);
    case 'special':
      // R4's only special parameter is Location's `near` (custom ones are refused): positions.
      return addPositionRows(def.code, values, rows.position);
    case 'composite':
      return;
    default: {
      const unknownType: never = def.type;
      throw new Error(`unknown search parameter type ${String(unknownType)}`);
    }
  }
}

/**
 * A composite's rows: for the k-th element its expression selects, each component's values become
 * rows of the component's type under `<code>$<component index>`, numbered `grp = k`. An element
 * that lacks any component can never match and gives no rows.
 */
function addCompositeRows(def: SearchParamDef, resource: Resource, rows: IndexRows): void {
  const components = def.componentDefs ?? [];
  const items = def.evaluateComposite?.(resource) ?? [];
  items.forEach((values, grp) => {
    if (values.some((v) => v.length === 0)) return;
    const scratch = emptyIndexRows();
    components.forEach((component, i) => {
      addRows({ ...def, code: `${def.code}$${i}`, type: component.type }, values[i] ?? [], scratch);
    });
    for (const key of Object.keys(scratch) as (keyof IndexRows)[]) {
      for (const row of scratch[key]) (rows[key] as { grp?: number }[]).push({ ...row, grp });
    }
  });
}

/**
 * Parameters that search answers from the resource row itself (its id and last_updated columns),
 * so rows for them would be written on every version and never read.
 */
const ROW_ANSWERED = new Set(['_id', '_lastUpdated']);

function extract(resource: Resource, registry: SearchParamRegistry, strict: boolean): IndexRows {
  const rows = emptyIndexRows();
  addTextRows(resource, rows.text);
  for (const def of registry.forType(resource.resourceType)) {
    if (def.unionOf || ROW_ANSWERED.has(def.code)) continue;
    if (def.type === 'composite') {
      try {
        addCompositeRows(def, resource, rows);
      } catch (err) {
        if (strict) throw new Error(`${resource.resourceType}.${def.code}: ${String(err)}`, { cause: err });
      }
      continue;
    }
    let values: TypedValue[];
    try {
      values = def.evaluate(resource);
    } catch (err) {
      if (strict) throw new Error(`${resource.resourceType}.${def.code}: ${String(err)}`, { cause: err });
      continue;
    }
    if (values.length > 0) addRows(def, values, rows);
  }
  return rows;
}

export function extractIndexRows(resource: Resource, registry: SearchParamRegistry): IndexRows {
  return extract(resource, registry, false);
}

export function extractIndexRowsStrict(resource: Resource, registry: SearchParamRegistry): IndexRows {
  return extract(resource, registry, true);
}
