/**
 * Checks one value against the expansion of its element's required-strength binding. `code`
 * values must be in the ValueSet; a `Coding` whose system the ValueSet covers must use one of its
 * codes; a `CodeableConcept` with codings from covered systems must have at least one valid one.
 * Codings from systems the ValueSet does not mention, and values of other datatypes, are left
 * alone, as are bindings whose ValueSet could not be expanded (the caller never gets here).
 */
import type { OperationOutcomeIssue } from '@medplum/fhirtypes';
import { issue } from '../outcomes.ts';
import type { Expansion } from './terminology.ts';

interface CodingLike {
  system?: unknown;
  code?: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `true` and `false` for a coding the ValueSet covers; `undefined` when it says nothing. */
function codingMatches(coding: CodingLike, expansion: Expansion): boolean | undefined {
  if (typeof coding.system !== 'string' || typeof coding.code !== 'string') return undefined;
  const codes = expansion.bySystem.get(coding.system);
  return codes ? codes.has(coding.code) : undefined;
}

function invalid(text: string, path: string): OperationOutcomeIssue {
  return issue('error', 'code-invalid', text, [path]);
}

export function checkBinding(
  value: unknown,
  typeCode: string,
  expansion: Expansion,
  path: string,
  issues: OperationOutcomeIssue[],
): void {
  switch (typeCode) {
    case 'code':
      if (typeof value === 'string' && !expansion.codes.has(value)) {
        issues.push(invalid(`Value "${value}" is not in the required value set ${expansion.url}`, path));
      }
      return;
    case 'Coding':
      if (isObject(value) && codingMatches(value, expansion) === false) {
        const text = `Code "${String(value.code)}" from ${String(value.system)} is not in the required value set ${expansion.url}`;
        issues.push(invalid(text, `${path}.code`));
      }
      return;
    case 'CodeableConcept': {
      if (!isObject(value) || !Array.isArray(value.coding)) return;
      let covered = false;
      for (const coding of value.coding as unknown[]) {
        if (!isObject(coding)) continue;
        const match = codingMatches(coding, expansion);
        if (match) return;
        if (match === false) covered = true;
      }
      if (covered) {
        issues.push(invalid(`None of the codings is in the required value set ${expansion.url}`, path));
      }
      return;
    }
    default:
      return;
  }
}
