/**
 * Validates a write against the R4 base StructureDefinitions. It first checks the envelope (a JSON
 * object with a concrete resourceType and a well-formed id) and the JSON values (no prototype-named
 * keys, empty strings or lone surrogates), then runs medplum's structural
 * validator (cardinality, datatypes, formats, unknown elements, choice types, invariants) and
 * finally the walker's required-binding and reference-format checks. Only `error` and `fatal`
 * issues are returned: medplum's warnings never make a resource invalid. It never throws for bad
 * input. It does not validate against profiles other than the base, nor resolve references.
 */
import { OperationOutcomeError, validateResource as medplumValidate } from '@medplum/core';
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { issue } from '../outcomes.ts';
import { getDefinitions } from './definitions.ts';
import type { Definitions } from './definitions.ts';
import { ID_PATTERN } from './definitions.ts';
import { isR4Base64, jsonValueIssues, valueAtPath } from './json-values.ts';
import { ResourceWalker } from './walker.ts';
import { isEmptyInvariant } from './invariants.ts';

export interface ValidateOptions {
  /** Accept `Type?query` references, as used inside transaction bundles before resolution. */
  allowConditionalReferences?: boolean;
}

const walkers = new WeakMap<Definitions, ResourceWalker>();

function walkerFor(defs: Definitions): ResourceWalker {
  let walker = walkers.get(defs);
  if (!walker) {
    walker = new ResourceWalker(defs.terminology, (name) => defs.resourceTypeSet.has(name));
    walkers.set(defs, walker);
  }
  return walker;
}

function isBlocking(i: OperationOutcomeIssue): boolean {
  return i.severity === 'error' || i.severity === 'fatal';
}

/** Medplum's issues carry only `details.text`; give them the same shape as ours. */
function normalize(i: OperationOutcomeIssue): OperationOutcomeIssue {
  const text = i.details?.text ?? i.diagnostics ?? 'Invalid resource';
  return { ...i, details: i.details ?? { text }, diagnostics: i.diagnostics ?? text };
}

/** Medplum rejects whitespace in base64Binary, which the R4 regex allows; drop those issues. */
function isFalseBase64Issue(resource: Resource, i: OperationOutcomeIssue): boolean {
  if (i.details?.text !== 'Invalid base64Binary format' || i.expression?.length !== 1) return false;
  const value = valueAtPath(resource, i.expression[0]!);
  return typeof value === 'string' && isR4Base64(value);
}

function structuralIssues(resource: Resource): OperationOutcomeIssue[] {
  let issues: OperationOutcomeIssue[];
  try {
    issues = medplumValidate(resource);
  } catch (err) {
    if (!(err instanceof OperationOutcomeError)) {
      const text = err instanceof Error ? err.message : String(err);
      return [issue('error', 'invalid', `Resource could not be validated: ${text}`)];
    }
    issues = err.outcome.issue ?? [];
  }
  return issues.filter((i) => !isFalseBase64Issue(resource, i) && !isEmptyInvariant(resource, i));
}

function envelopeIssues(input: unknown, defs: Definitions): OperationOutcomeIssue[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return [issue('error', 'structure', 'A resource must be a JSON object')];
  }
  const { resourceType, id } = input as Record<string, unknown>;
  if (typeof resourceType !== 'string' || resourceType === '') {
    return [issue('error', 'required', 'Missing resourceType', ['resourceType'])];
  }
  if (!defs.resourceTypeSet.has(resourceType)) {
    return [issue('error', 'invalid', `Unknown or abstract resource type "${resourceType}"`, ['resourceType'])];
  }
  if (id !== undefined && (typeof id !== 'string' || !ID_PATTERN.test(id))) {
    return [issue('error', 'value', `Invalid id ${JSON.stringify(id)}: must match ${ID_PATTERN.source}`, [`${resourceType}.id`])];
  }
  return [];
}

/** Returns the error-or-fatal issues; an empty array means valid. Never throws for bad input. */
export function validateResource(input: unknown, options: ValidateOptions = {}): OperationOutcomeIssue[] {
  const defs = getDefinitions();
  const envelope = envelopeIssues(input, defs);
  if (envelope.length > 0) return envelope;
  const resource = input as Resource;
  // Prototype-named keys confuse medplum's schema lookups, so JSON-level problems end the check.
  const jsonIssues: OperationOutcomeIssue[] = [];
  jsonValueIssues(resource, resource.resourceType, jsonIssues);
  if (jsonIssues.length > 0) return jsonIssues;
  defs.ensureIndexed(resource);
  const issues = structuralIssues(resource).filter(isBlocking).map(normalize);
  try {
    walkerFor(defs).walk(resource as unknown as Record<string, unknown>, {
      allowConditionalReferences: options.allowConditionalReferences ?? false,
    }, issues);
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    issues.push(issue('error', 'invalid', `Resource could not be validated: ${text}`));
  }
  return issues;
}
