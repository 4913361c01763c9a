/**
 * SMART App Launch 2.0 scopes: parses an OAuth `scope` string into resource rules (context,
 * resource type or `*`, permission letters and the v2 search-parameter filter), the identity,
 * launch and refresh scopes it recognises, and the tokens it rejects. v1 suffixes are read with
 * the v2 meanings the spec gives them (`.read` = `rs`, `.write` = `cud`, `.*` = `cruds`). It does
 * not decide anything: what a rule lets a principal do is `policy.ts`'s business.
 *
 * Strict on purpose, since a scope misread is access wrongly granted: v2 letters must be a
 * non-empty in-order subset of `cruds` (the spec lets servers reject `.dus`), the resource type
 * must be an R4 type, filters are only accepted on v2 suffixes (v1 never had them), and filter
 * names may carry neither modifiers (`code:in`) nor chains (`patient.birthdate`), which the spec
 * calls experimental.
 */
import { isResourceType } from '@continuum/fhir';

export type ScopeContext = 'patient' | 'user' | 'system';
export type Permission = 'c' | 'r' | 'u' | 'd' | 's';

export interface ScopeRule {
  context: ScopeContext;
  /** A FHIR type or '*'. */
  resourceType: string;
  permissions: ReadonlySet<Permission>;
  /**
   * v2 granular filter, e.g. [['category','laboratory']] from
   * `patient/Observation.rs?category=laboratory`; token search params only.
   */
  filter: ReadonlyArray<readonly [string, string]>;
  /** The scope string it came from. */
  source: string;
}

export interface ParsedScopes {
  rules: ScopeRule[];
  /** openid, fhirUser, profile, launch, launch/patient, launch/encounter, offline_access, online_access */
  other: string[];
  invalid: string[];
}

/** Every permission letter, in the order the v2 syntax requires. */
export const PERMISSIONS: readonly Permission[] = ['c', 'r', 'u', 'd', 's'];

/** Non-resource scopes: identity, launch context and refresh tokens. */
export const OTHER_SCOPES: ReadonlySet<string> = new Set([
  'openid',
  'fhirUser',
  'profile',
  'launch',
  'launch/patient',
  'launch/encounter',
  'offline_access',
  'online_access',
]);

const V1_SUFFIXES: Readonly<Record<string, string>> = { read: 'rs', write: 'cud', '*': 'cruds' };
const V2_SUFFIX = /^(?=[cruds])c?r?u?d?s?$/;
const RESOURCE_SCOPE = /^(patient|user|system)\/(\*|[A-Za-z]+)\.([A-Za-z*]+)(?:\?(\S*))?$/;
/** A plain search-parameter name: `_security` and `category` pass, `code:in` and `patient.birthdate` do not. */
const FILTER_NAME = /^_?[A-Za-z][A-Za-z0-9-]*$/;

function parseFilter(query: string): Array<readonly [string, string]> | undefined {
  const filter: Array<readonly [string, string]> = [];
  for (const item of query.split('&')) {
    const eq = item.indexOf('=');
    if (eq <= 0) return undefined;
    const name = item.slice(0, eq);
    let value: string;
    try {
      value = decodeURIComponent(item.slice(eq + 1));
    } catch {
      return undefined;
    }
    if (!FILTER_NAME.test(name) || value === '') return undefined;
    filter.push([name, value]);
  }
  return filter;
}

/** One resource scope, or undefined when it is not a well-formed one. */
export function parseResourceScope(source: string): ScopeRule | undefined {
  const m = RESOURCE_SCOPE.exec(source);
  if (!m) return undefined;
  const [, context, resourceType = '', suffix = '', query] = m;
  if (resourceType !== '*' && !isResourceType(resourceType)) return undefined;
  const v1 = V1_SUFFIXES[suffix];
  const letters = v1 ?? suffix;
  if (v1 === undefined && !V2_SUFFIX.test(suffix)) return undefined;
  let filter: Array<readonly [string, string]> = [];
  if (query !== undefined) {
    const parsed = v1 === undefined ? parseFilter(query) : undefined;
    if (parsed === undefined) return undefined;
    filter = parsed;
  }
  return {
    context: context as ScopeContext,
    resourceType,
    permissions: new Set(PERMISSIONS.filter((p) => letters.includes(p))),
    filter,
    source,
  };
}

/** Splits a space-separated `scope` string into resource rules, other known scopes and rejects. */
export function parseScopes(scope: string): ParsedScopes {
  const parsed: ParsedScopes = { rules: [], other: [], invalid: [] };
  for (const token of scope.split(/\s+/)) {
    if (token === '') continue;
    if (OTHER_SCOPES.has(token)) {
      parsed.other.push(token);
      continue;
    }
    const rule = parseResourceScope(token);
    if (rule) parsed.rules.push(rule);
    else parsed.invalid.push(token);
  }
  return parsed;
}

/** Whether `s` is one scope (no spaces) that SMART defines and this parser accepts. */
export function isSmartScope(s: string): boolean {
  return OTHER_SCOPES.has(s) || parseResourceScope(s) !== undefined;
}
