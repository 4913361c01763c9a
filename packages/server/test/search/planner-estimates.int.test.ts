/**
 * The planner's row estimates for a search condition over the index tables. A condition names
 * the tenant, the resource type, the parameter and a value together, and these columns are far
 * from independent; without the multi-column statistics of migration 023 the planner multiplies
 * their separate frequencies, takes `Encounter?class=AMB` for a handful of rows, and drives a
 * patient's visit search from it instead of from the patient's references. After ANALYZE the
 * estimates must be near the true counts: within a factor of two for a common token code and a
 * reference target type, on a store where those columns are strongly correlated.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Resource } from '@medplum/fhirtypes';
import { loadDefinitions } from '@continuum/fhir';
import { SearchParamProvider } from '../../src/search-params/provider.ts';
import { Repository } from '../../src/store/repository.ts';
import { createTestDatabase, type TestDatabase } from '../fixtures/backend.ts';

const TENANT = 'estimates';
const PATIENTS = 40;
const VISITS = 20;
const OBSERVATIONS = 30;

/** The planner's estimate for a statement (its top node's rows), from EXPLAIN in JSON. */
async function estimate(t: TestDatabase, sql: string, params: unknown[]): Promise<number> {
  const res = await t.db.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
  const raw = res.rows[0]!['QUERY PLAN'];
  const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: { 'Plan Rows': number } }[];
  return plan[0]!.Plan['Plan Rows'];
}

async function count(t: TestDatabase, sql: string, params: unknown[]): Promise<number> {
  const res = await t.db.query<{ n: string | number }>(`SELECT count(*) AS n FROM (${sql}) s`, params);
  return Number(res.rows[0]!.n);
}

const within2 = (estimated: number, actual: number): boolean => estimated >= actual / 2 && estimated <= actual * 2;

describe('planner estimates over the search index tables', () => {
  let t: TestDatabase;

  before(async () => {
    loadDefinitions();
    t = await createTestDatabase();
    const repo = new Repository({ db: t.db, indexer: await new SearchParamProvider(t.db).indexerFor(TENANT) }, TENANT);
    for (let p = 0; p < PATIENTS; p++) {
      const patient = randomUUID();
      const subject = { reference: `Patient/${patient}` };
      const resources: Resource[] = [{ resourceType: 'Patient', id: patient, name: [{ family: `Family${p}`, given: ['Pat'] }], gender: p % 2 ? 'female' : 'male' }];
      for (let v = 0; v < VISITS; v++) {
        resources.push({
          resourceType: 'Encounter', id: randomUUID(), status: v % 4 === 0 ? 'in-progress' : 'finished', subject,
          class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: v % 10 === 0 ? 'IMP' : 'AMB' },
          period: { start: `2024-0${1 + (v % 9)}-1${v % 10}T09:00:00Z` },
        });
      }
      for (let o = 0; o < OBSERVATIONS; o++) {
        resources.push({
          resourceType: 'Observation', id: randomUUID(), status: 'final', subject,
          category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: o % 2 ? 'laboratory' : 'vital-signs' }] }],
          code: { coding: [{ system: 'http://loinc.org', code: ['8867-4', '2339-0', '8480-6', '718-7'][o % 4]! }] },
          effectiveDateTime: `2024-02-${String(1 + (o % 28)).padStart(2, '0')}T08:00:00Z`,
        });
      }
      await repo.commit(resources.map((r) => repo.prepare(repo.validate(r), r.id!, 0, 'create').write));
    }
    for (const table of ['sp_token', 'sp_reference']) await t.db.exec(`ANALYZE ${table}`);
  });
  after(() => t?.drop());

  it('estimates a token code of one parameter of one type near its true count', async () => {
    const sql = 'SELECT rid FROM sp_token WHERE tenant_id = $1 AND resource_type = $2 AND param = $3 AND code = $4';
    for (const [type, param, code] of [['Encounter', 'class', 'AMB'], ['Encounter', 'status', 'finished'], ['Observation', 'category', 'laboratory']] as const) {
      const params = [TENANT, type, param, code];
      const [estimated, actual] = [await estimate(t, sql, params), await count(t, sql, params)];
      assert.ok(actual > 0);
      assert.ok(within2(estimated, actual), `${type}?${param}=${code}: estimated ${estimated} rows, ${actual} true`);
    }
  });

  it('estimates the references of one parameter to one target type near their true count', async () => {
    const sql = 'SELECT rid FROM sp_reference WHERE tenant_id = $1 AND resource_type = $2 AND param = $3 AND target_type = $4';
    const params = [TENANT, 'Encounter', 'subject', 'Patient'];
    const [estimated, actual] = [await estimate(t, sql, params), await count(t, sql, params)];
    assert.equal(actual, PATIENTS * VISITS);
    assert.ok(within2(estimated, actual), `Encounter.subject to Patient: estimated ${estimated} rows, ${actual} true`);
  });
});
