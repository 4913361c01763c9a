/**
 * The rules a SearchParameter must meet to be stored, beyond the structural validation every
 * resource gets: a code usable in a query string, base resource types, a type the search engine
 * indexes, and a FHIRPath expression that compiles (with fhirpath.js, as the indexer will run it)
 * for each base. Violations are one 422 OperationOutcome listing them all.
 *
 * Composite and special custom parameters are refused for now: composites need component
 * definitions resolved across parameters, specials have no generic index. The spec's own
 * definitions (HL7 canonical urls) are accepted as they are and never indexed, since the base
 * registry already holds them (see effective.ts).
 */
import type { OperationOutcomeIssue, SearchParameter } from '@medplum/fhirtypes';
import { invalidResource, isResourceType, issue, SearchParamRegistry } from '@continuum/fhir';

export const HL7_SEARCH_PARAMETER = 'http://hl7.org/fhir/SearchParameter/';
export const ABSTRACT_BASES: ReadonlySet<string> = new Set(['Resource', 'DomainResource']);
const INDEXED_TYPES = new Set(['string', 'token', 'date', 'number', 'quantity', 'reference', 'uri']);
/** Letters first; then letters, digits, `-` and `_`. No `:` `.` `$` or leading `_`, which queries reserve. */
const CODE = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

export function isBaseDefinition(sp: SearchParameter): boolean {
  return sp.url?.startsWith(HL7_SEARCH_PARAMETER) === true;
}

export function searchParameterIssues(sp: SearchParameter): OperationOutcomeIssue[] {
  const issues: OperationOutcomeIssue[] = [];
  const bad = (text: string, path: string): void => void issues.push(issue('error', 'business-rule', text, [`SearchParameter.${path}`]));
  if (isBaseDefinition(sp)) return issues;
  if (!sp.code || !CODE.test(sp.code)) {
    bad(`code must start with a letter and hold only letters, digits, '-' and '_' (got '${sp.code ?? ''}')`, 'code');
  }
  const base = sp.base ?? [];
  if (base.length === 0) bad('base must name at least one resource type', 'base');
  for (const type of base) {
    if (!isResourceType(type) && !ABSTRACT_BASES.has(type)) bad(`base '${type}' is not a resource type`, 'base');
  }
  for (const type of sp.target ?? []) {
    if (!isResourceType(type)) bad(`target '${type}' is not a resource type`, 'target');
  }
  if (sp.type === 'composite' || sp.type === 'special') {
    bad(`custom ${sp.type} search parameters are not supported; use string, token, date, number, quantity, reference or uri`, 'type');
  } else if (!sp.type || !INDEXED_TYPES.has(sp.type)) {
    bad(`type '${sp.type ?? ''}' is not a search parameter type`, 'type');
  }
  if (!sp.expression?.trim()) bad('expression (FHIRPath) is required', 'expression');
  if (issues.length > 0) return issues;
  // Compile exactly as the registry will: per base, the union parts that apply to it.
  for (const skipped of SearchParamRegistry.fromParams([sp]).skipped) {
    bad(`expression does not compile for ${skipped.base}: ${skipped.reason}`, 'expression');
  }
  return issues;
}

/** Throws a 422 OperationOutcome when `sp` cannot be used as a search parameter. */
export function checkSearchParameter(sp: SearchParameter): void {
  const issues = searchParameterIssues(sp);
  if (issues.length > 0) throw invalidResource(issues, 422);
}
