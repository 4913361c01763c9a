/**
 * JSON-level checks that medplum's structural validator misses: property names that collide
 * with `Object.prototype` members (`__proto__`, `constructor`, ...), which its schema lookups
 * mistake for known elements, and string values the FHIR JSON format forbids: empty strings
 * ("empty values are not allowed") and unpaired UTF-16 surrogates (not Unicode characters);
 * likewise empty arrays, empty objects and `null` element values. A `null` inside an array is
 * allowed: it keeps a primitive array aligned with its `_element` extension array.
 * It reports issues and never changes the value.
 */
import type { OperationOutcomeIssue } from '@medplum/fhirtypes';
import { issue } from '../outcomes.ts';

const PROTOTYPE_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype));
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkString(value: string, path: string, issues: OperationOutcomeIssue[]): void {
  if (value === '') issues.push(issue('error', 'value', 'Empty strings are not allowed in FHIR JSON: omit the element', [path]));
  else if (LONE_SURROGATE.test(value)) issues.push(issue('error', 'value', 'The string contains an unpaired UTF-16 surrogate', [path]));
}

/** Appends an issue for each forbidden property name or string value under `value`. */
export function jsonValueIssues(value: unknown, path: string, issues: OperationOutcomeIssue[]): void {
  if (typeof value === 'string') {
    checkString(value, path, issues);
  } else if (Array.isArray(value)) {
    if (value.length === 0) issues.push(issue('error', 'value', 'Empty arrays are not allowed in FHIR JSON: omit the element', [path]));
    for (let i = 0; i < value.length; i++) jsonValueIssues(value[i], `${path}[${i}]`, issues);
  } else if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value);
    if (keys.length === 0) issues.push(issue('error', 'value', 'Empty objects are not allowed in FHIR JSON: omit the element', [path]));
    for (const key of keys) {
      const childPath = `${path}.${key}`;
      if (PROTOTYPE_KEYS.has(key)) {
        issues.push(issue('error', 'structure', `Unknown element '${key}'`, [childPath]));
        continue;
      }
      const child = (value as Record<string, unknown>)[key];
      if (child === null) {
        issues.push(issue('error', 'value', 'null is not allowed as an element value in FHIR JSON: omit the element', [childPath]));
        continue;
      }
      jsonValueIssues(child, childPath, issues);
    }
  }
}

const BASE64 = /^([A-Za-z\d+/]{4})*([A-Za-z\d+/]{2}==|[A-Za-z\d+/]{3}=)?$/;

/**
 * The R4 base64Binary rule, `(\s*([0-9a-zA-Z\+/=]){4}\s*)+`: quads of base64 characters with
 * whitespace allowed between them (medplum allows none). Checked without that regex, which
 * backtracks badly on long values; the text without whitespace must also be well-padded base64.
 */
export function isR4Base64(value: string): boolean {
  const trimmed = value.trim();
  if (trimmed === '' || !trimmed.split(/\s+/).every((quads) => quads.length % 4 === 0)) return false;
  return BASE64.test(trimmed.replace(/\s+/g, ''));
}

/** The value at a medplum issue path such as `DiagnosticReport.presentedForm[0].data`. */
export function valueAtPath(resource: unknown, path: string): unknown {
  const steps = path.split('.').slice(1);
  let value: unknown = resource;
  for (const step of steps) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+)\])?$/.exec(step);
    if (!m || typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = Object.hasOwn(value, m[1]!) ? (value as Record<string, unknown>)[m[1]!] : undefined;
    if (m[2] !== undefined) value = Array.isArray(value) ? value[Number(m[2])] : undefined;
  }
  return value;
}
