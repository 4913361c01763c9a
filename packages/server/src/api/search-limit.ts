/**
 * The caller's search row limit (search/row-limit.ts), built from the access policy's row rules
 * (access/row-rules.ts): compartments and sensitivity labels as they are, and SMART v2 scope
 * filters parsed into token criteria with the tenant's search parameters. Built once per
 * request; a type's rules are worked out the first time a search touches the type.
 */
import { parseSearch, type Criterion, type SearchParamRegistry } from '@continuum/fhir';
import type { Principal } from '../access/policy.ts';
import { labelRules, rowRules } from '../access/row-rules.ts';
import type { RowLimit, TypeRowLimit } from '../search/row-limit.ts';
import { inPatientCompartment } from './interactions/compartment.ts';

export function searchLimit(p: Principal, registry: SearchParamRegistry, now: Date = new Date()): RowLimit {
  const types = new Map<string, TypeRowLimit>();
  return {
    labels: labelRules(p, now),
    forType(type) {
      let limit = types.get(type);
      if (limit === undefined) {
        limit = typeLimit(p, type, registry);
        types.set(type, limit);
      }
      return limit;
    },
  };
}

function typeLimit(p: Principal, type: string, registry: SearchParamRegistry): TypeRowLimit {
  const rules = rowRules(p, type, inPatientCompartment(type));
  const limit: TypeRowLimit = { readable: rules.readable, ...(rules.compartments ? { compartments: rules.compartments } : {}), ...(rules.unassignedOpen ? { unassignedOpen: true } : {}) };
  if (rules.alternatives === undefined) return limit;
  const alternatives: NonNullable<TypeRowLimit['alternatives']>[number][] = [];
  for (const alt of rules.alternatives) {
    const criteria = filterCriteria(type, alt.filter, registry);
    // A filter that can never hold lets nothing through: the alternative is dropped.
    if (criteria) alternatives.push({ ...(alt.compartments ? { compartments: alt.compartments } : {}), criteria });
  }
  return { ...limit, alternatives };
}

/**
 * A v2 scope filter as search criteria, or undefined when it can never hold: `visible` compares a
 * filter with the resource's token index values only, so a name that is not a token parameter of
 * the type matches nothing.
 */
function filterCriteria(type: string, filter: ReadonlyArray<readonly [string, string]>, registry: SearchParamRegistry): Criterion[] | undefined {
  // `valueMatches` (policy.ts) never matches an empty alternative or a bare `|`: neither may the SQL.
  const live = filter.map(([name, value]) => [name, value.split(',').filter((alt) => alt !== '' && alt !== '|').join(',')] as const);
  if (live.some(([, value]) => value === '')) return undefined;
  let criteria: Criterion[];
  try {
    const parsed = parseSearch(type, live, registry);
    if (parsed.unknown.length > 0) return undefined;
    criteria = parsed.criteria;
  } catch {
    return undefined;
  }
  const tokens = criteria.every((c) => c.kind === 'value' && typeof c.def !== 'string' && c.def.type === 'token' && c.modifier === undefined && c.values.every((v) => v.kind === 'token'));
  return tokens && criteria.length === filter.length ? criteria : undefined;
}
