/**
 * An independent oracle for search: the R4 examples of fifteen common resource types and the
 * Synthea sample patients are loaded into a real server, then every R4 SearchParameter of those
 * types is searched with values drawn from the data (see oracle/generate.ts). The expected ids come
 * from the oracle alone: fhirpath.js evaluates the parameter's expression over every stored
 * resource and oracle/match.ts applies the R4 matching rules; no server search code is imported.
 * Pairs of searches are also AND-ed to check that criteria combine, and chains and `_has` reverse
 * chains are built from the judged single searches (oracle/chains.ts). Parameters the oracle cannot
 * judge are listed with the reason (oracle/params.ts) and printed; all others must match exactly.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { loadExamplesOf, loadSynthea, readBack, searchAll, type Json } from './corpus.ts';
import { evaluate, type Typed } from './oracle/evaluate.ts';
import { searchesFor } from './oracle/generate.ts';
import { chainCases, type Judged } from './oracle/chains.ts';
import { matches, type OracleParam, type Search } from './oracle/match.ts';
import { paramsFor } from './oracle/params.ts';

const TYPES = [
  'Patient', 'Observation', 'Condition', 'Encounter', 'MedicationRequest', 'AllergyIntolerance', 'Immunization', 'Procedure',
  'DiagnosticReport', 'DocumentReference', 'Practitioner', 'Organization', 'Coverage', 'ServiceRequest', 'Appointment',
];
/** AND-ed pairs per type, built from single searches that matched something. */
const PAIRS_PER_TYPE = 6;
/** Forward and reverse chains per type. */
const CHAINS_PER_TYPE = 4;
/** Every n-th search also checks `_summary=count`. */
const COUNT_EVERY = 10;
const CONCURRENCY = 4;
/** An unsupported parameter must be a 400, not silently ignored (which would return everything). */
const STRICT = { prefer: 'handling=strict' };

interface Case {
  type: string;
  /** The query string (without _count). */
  query: string;
  /** For grouping failures: the type and parameter codes. */
  label: string;
  /** Parameters of `type` whose values explain a difference. */
  explainWith: string[];
  expected: Set<string>;
}

interface Outcome {
  c: Case;
  url: string;
  ok: boolean;
  detail?: string;
}

const queryOf = (searches: Search[]): string =>
  searches.map((s) => `${s.param.code}${s.modifier ? `:${s.modifier}` : ''}=${encodeURIComponent(s.value)}`).join('&');

const singleCase = (type: string, searches: Search[], expected: Set<string>): Case => ({
  type,
  query: queryOf(searches),
  label: `${type}.${searches.map((s) => s.param.code).join('+')}`,
  explainWith: searches.map((s) => s.param.code),
  expected,
});

describe('search oracle over the R4 examples and Synthea', () => {
  let server: TestServer;
  const cases: Case[] = [];
  const excluded: { name: string; reason: string }[] = [];
  const oracleErrors: string[] = [];
  let outcomes: Outcome[] = [];
  /** Values per type, parameter code and resource index, to explain failures. */
  const valuesOf = new Map<string, Typed[][]>();
  const resourcesOf = new Map<string, Json[]>();

  before(async () => {
    server = await startTestServer();
    const t0 = performance.now();
    const examples = await loadExamplesOf(server, new Set(TYPES));
    const synthea = await loadSynthea(server);
    const stored = await readBack(server, TYPES);
    const total = [...stored.values()].reduce((n, list) => n + list.length, 0);
    console.log(`# loaded ${examples} examples and ${synthea} Synthea entries; ${total} resources of the ${TYPES.length} types in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const judged = new Map<string, Judged[]>();
    const referenceParams = new Map<string, { param: OracleParam; values: Typed[][] }[]>();
    for (const type of TYPES) {
      // In id order, so the values drawn do not depend on the order the parallel loads landed in.
      const resources = [...(stored.get(type) ?? [])].sort((a, b) => String(a.id).localeCompare(String(b.id)));
      resourcesOf.set(type, resources);
      const { params, excluded: skipped } = paramsFor(type);
      for (const s of skipped) excluded.push({ name: `${type}.${s.code}`, reason: s.reason });
      const singles: Judged[] = [];
      for (const param of params) {
        let values: Typed[][];
        try {
          values = param.type === 'composite' ? resources.map(() => []) : resources.map((r) => evaluate(r, param.expression));
        } catch (err) {
          oracleErrors.push(`${type}.${param.code}: ${String(err)}`);
          continue;
        }
        valuesOf.set(`${type}.${param.code}`, values);
        if (param.type === 'reference') referenceParams.set(type, [...(referenceParams.get(type) ?? []), { param, values }]);
        for (const search of searchesFor(param, resources, values)) {
          const expected = new Set(resources.filter((r, i) => matches(search, r, values[i]!, server.base)).map((r) => String(r.id)));
          singles.push({ type, search, expected });
        }
      }
      judged.set(type, singles);
      cases.push(...singles.map((j) => singleCase(type, [j.search], j.expected)));
      // AND pairs from different parameters, each of which matched some but not all resources.
      const useful = singles.filter((j) => j.expected.size > 0 && j.expected.size < resources.length && j.search.modifier !== 'missing');
      for (let i = 0, made = 0; made < PAIRS_PER_TYPE && i < useful.length * 3; i++) {
        const a = useful[(i * 7) % useful.length]!;
        const b = useful[(i * 13 + 5) % useful.length]!;
        if (a.search.param.code === b.search.param.code) continue;
        cases.push(singleCase(type, [a.search, b.search], new Set([...a.expected].filter((id) => b.expected.has(id)))));
        made++;
      }
    }
    // Chains and reverse chains over the loaded types, from the single searches judged above.
    for (const c of chainCases({ types: TYPES, resourcesOf, referenceParams, singles: judged }, CHAINS_PER_TYPE)) {
      cases.push({ ...c, explainWith: [] });
    }

    let next = 0;
    outcomes = new Array<Outcome>(cases.length);
    const worker = async (): Promise<void> => {
      while (next < cases.length) {
        const i = next++;
        const c = cases[i]!;
        const url = `/${c.type}?${c.query}&_count=1000`;
        try {
          const got = new Set((await searchAll(server, url, STRICT)).map((r) => String(r.id)));
          const missing = [...c.expected].filter((id) => !got.has(id));
          const extra = [...got].filter((id) => !c.expected.has(id));
          outcomes[i] = { c, url, ok: missing.length === 0 && extra.length === 0 };
          if (!outcomes[i].ok) outcomes[i].detail = explain(c, missing, extra);
          else if (i % COUNT_EVERY === 0) {
            // The count (`_summary=count`) must agree with the matches.
            const res = await server.request('GET', `/${c.type}?${c.query}&_summary=count`, { headers: STRICT });
            if (res.json?.total !== c.expected.size) outcomes[i] = { c, url: `${url} (_summary=count)`, ok: false, detail: `total ${String(res.json?.total)} (${res.status}), expected ${c.expected.size}` };
          }
        } catch (err) {
          outcomes[i] = { c, url, ok: false, detail: String(err).slice(0, 300) };
        }
      }
    };
    const t1 = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    console.log(`# ${cases.length} searches in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  });
  after(async () => {
    await server?.close();
  });

  /** The ids that differ, and for the first of each the values the oracle saw. */
  function explain(c: Case, missing: string[], extra: string[]): string {
    const show = (id: string): string => {
      const index = (resourcesOf.get(c.type) ?? []).findIndex((r) => String(r.id) === id);
      const vals = c.explainWith.map((code) => valuesOf.get(`${c.type}.${code}`)?.[index] ?? []);
      return `${id} values ${JSON.stringify(vals.map((v) => v.map((t) => ({ [t.type]: t.value })))).slice(0, 400)}`;
    };
    const parts = [`expected ${c.expected.size}`];
    if (missing.length) parts.push(`missing ${missing.length} (e.g. ${show(missing[0]!)})`);
    if (extra.length) parts.push(`extra ${extra.length} (e.g. ${show(extra[0]!)})`);
    return parts.join('; ');
  }

  it('evaluates every parameter expression', () => {
    assert.deepEqual(oracleErrors, []);
  });

  it('matches the oracle on every search', () => {
    const failed = outcomes.filter((o) => !o.ok);
    const reasons = new Map<string, string[]>();
    for (const e of excluded) reasons.set(e.reason, [...(reasons.get(e.reason) ?? []), e.name]);
    for (const [reason, names] of reasons) console.log(`# excluded ${names.join(', ')}: ${reason}`);
    const selective = outcomes.filter((o) => o.c.expected.size > 0 && o.c.expected.size < (resourcesOf.get(o.c.type)?.length ?? 0)).length;
    console.log(`# oracle: ${outcomes.length - failed.length}/${outcomes.length} searches matched (${selective} expected a non-empty proper subset)`);
    const perParam = new Map<string, number>();
    for (const o of failed) {
      const key = o.c.label;
      perParam.set(key, (perParam.get(key) ?? 0) + 1);
    }
    console.log(`# failing parameters: ${[...perParam].map(([k, n]) => `${k} (${n})`).join(', ')}`);
    for (const o of failed) console.log(`# FAIL GET ${o.url}: ${o.detail}`);
    assert.ok(outcomes.length > 2000, `only ${outcomes.length} searches were generated`);
    assert.deepEqual(failed.map((o) => o.url), []);
  });
});
