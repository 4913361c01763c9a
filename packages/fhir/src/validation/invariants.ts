/**
 * Second opinion on invariant failures. Medplum counts an invariant whose FHIRPath evaluates to
 * an empty collection as failed; FHIR (and the HL7 validator) count only `false` as a failure.
 * For example R4's ras-2, `probability is decimal implies (probability as decimal) <= 100`, is
 * empty on a prediction without a probability, so medplum rejected two official examples. This
 * re-evaluates such an invariant with fhirpath.js on the element medplum named, typed by its
 * path, and keeps the issue only when the result is not empty.
 */
import fhirpath from 'fhirpath';
import r4model from 'fhirpath/fhir-context/r4';
import { r4Bundle } from '../r4-files.ts';
import type { OperationOutcomeIssue, Resource, StructureDefinition } from '@medplum/fhirtypes';
import { valueAtPath } from './json-values.ts';

const CONSTRAINT_FAILED = /^Constraint (\S+) not met/;

let expressions: Map<string, string> | undefined;

/** Invariant key → FHIRPath expression, from the R4 base resources and datatypes. */
function constraintExpressions(): Map<string, string> {
  if (expressions) return expressions;
  const map = new Map<string, string>();
  for (const file of ['fhir/r4/profiles-resources.json', 'fhir/r4/profiles-types.json'] as const) {
    for (const entry of r4Bundle(file).entry ?? []) {
      const sd = entry.resource as StructureDefinition | undefined;
      for (const element of sd?.snapshot?.element ?? []) {
        for (const c of element.constraint ?? []) {
          if (c.key && c.expression && !map.has(c.key)) map.set(c.key, c.expression);
        }
      }
    }
  }
  expressions = map;
  return map;
}

/** True when `i` is an invariant failure whose expression in fact evaluates to empty. */
export function isEmptyInvariant(resource: Resource, i: OperationOutcomeIssue): boolean {
  const key = CONSTRAINT_FAILED.exec(i.details?.text ?? '')?.[1];
  const path = i.expression?.length === 1 ? i.expression[0]! : undefined;
  if (!key || !path) return false;
  const expression = constraintExpressions().get(key);
  if (!expression) return false;
  const node = path === resource.resourceType ? resource : valueAtPath(resource, path);
  if (node === undefined) return false;
  try {
    const base = path.replace(/\[\d+\]/g, '');
    const result = fhirpath.evaluate(node, { base, expression }, { resource }, r4model) as unknown[];
    return result.length === 0;
  } catch {
    return false; // could not re-evaluate: keep medplum's verdict
  }
}
