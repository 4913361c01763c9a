/**
 * Search suite, the row limit at the repository level on a real database (PGlite or PostgreSQL):
 * a repository `limitedTo` a limit finds, counts and pages only the rows the limit lets through,
 * in the matches and in the rows chains and `_has` look through; a chain or `_has` through an
 * unreadable type is a 403; compartment ids and labels travel as bind parameters (a hostile id is
 * matched as text, never spliced into the SQL); and an unlimited repository is unchanged.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Resource } from '@medplum/fhirtypes';
import { isOutcomeError, loadDefinitions, parseSearch, SearchParamRegistry } from '@continuum/fhir';
import type { Queryable } from '../../src/db/database.ts';
import type { RowLimit, TypeRowLimit } from '../../src/search/row-limit.ts';
import { countSearch, runSearch } from '../../src/search/search.ts';
import { createIndexer } from '../../src/store/indexer.ts';
import { Repository } from '../../src/store/repository.ts';
import { createTestDatabase, type TestDatabase } from '../fixtures/backend.ts';

const HOSTILE = "p1' OR '1'='1";
const PSY = { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'PSY' };
const registry = SearchParamRegistry.r4();

let t: TestDatabase;
let repo: Repository;

const limit = (types: Record<string, TypeRowLimit>, labels: RowLimit['labels'] = { hidden: [] }): RowLimit => ({
  forType: (type) => types[type] ?? { readable: false },
  labels,
});
const req = (type: string, query: string) => parseSearch(type, [...new URLSearchParams(query)], registry);
const ids = async (r: Repository, type: string, query: string): Promise<string[]> =>
  (await r.search(req(type, query), { count: 100 })).matches.map((m) => m.id).sort();
const statusOf = async (p: Promise<unknown>): Promise<number> => {
  try {
    await p;
    return 0;
  } catch (err) {
    assert.ok(isOutcomeError(err), `expected an OutcomeError, got ${String(err)}`);
    return err.status;
  }
};

async function put(resource: Resource & { id: string }): Promise<void> {
  await repo.update(resource.resourceType, resource.id, resource);
}

before(async () => {
  loadDefinitions();
  t = await createTestDatabase();
  repo = new Repository({ db: t.db, indexer: createIndexer(registry) }, 'rows');
  for (const id of ['p1', 'p2', 'p3', HOSTILE.replace(/[^A-Za-z0-9]/g, '')]) await put({ resourceType: 'Patient', id, name: [{ family: `Fam-${id}` }] } as Resource & { id: string });
  for (const [id, patient, code] of [['o1', 'p1', 'a'], ['o2', 'p1', 'b'], ['o3', 'p2', 'a'], ['o4', 'p3', 'a']] as const) {
    await put({ resourceType: 'Observation', id, status: 'final', code: { coding: [{ system: 'urn:c', code }] }, subject: { reference: `Patient/${patient}` } } as Resource & { id: string });
  }
  await put({ resourceType: 'Condition', id: 'c-psy', meta: { security: [PSY] }, code: { text: 'x' }, subject: { reference: 'Patient/p2' } } as Resource & { id: string });
  await put({ resourceType: 'Condition', id: 'c-psy-nosystem', meta: { security: [{ code: 'PSY' }] }, code: { text: 'y' }, subject: { reference: 'Patient/p3' } } as Resource & { id: string });
  await put({ resourceType: 'Condition', id: 'c-plain', code: { text: 'x' }, subject: { reference: 'Patient/p1' } } as Resource & { id: string });
});
after(() => t.drop());

describe('row limit on searches', () => {
  const union = limit({ Patient: { readable: true, compartments: ['p1', 'p2'] }, Observation: { readable: true, compartments: ['p1', 'p2'] }, Condition: { readable: true, compartments: ['p1', 'p2'] } });

  it('finds, counts and pages inside the union of compartments', async () => {
    const r = repo.limitedTo(union);
    assert.deepEqual(await ids(r, 'Observation', ''), ['o1', 'o2', 'o3'], 'the rows of p1 and p2');
    assert.equal(await r.count(req('Observation', '')), 3, 'counted under the limit');
    const first = await r.search(req('Observation', ''), { count: 2 });
    assert.equal(first.matches.length, 2, 'a full first page');
    const second = await r.search(req('Observation', ''), { count: 2, from: first.next! });
    assert.deepEqual(second.matches.map((m) => m.id), ['o3'], 'the rest on the next page');
    assert.equal(second.next, undefined, 'and no page after it');
    assert.deepEqual(await ids(repo, 'Observation', ''), ['o1', 'o2', 'o3', 'o4'], 'the unlimited repository is unchanged');
  });

  it('holds the rows that chains and _has look through to the limit', async () => {
    const r = repo.limitedTo(union);
    assert.deepEqual(await ids(repo, 'Patient', '_has:Observation:subject:code=urn:c|a'), ['p1', 'p2', 'p3'], 'unlimited');
    const onlyP1 = limit({ Patient: { readable: true }, Observation: { readable: true, compartments: ['p1'] } });
    assert.deepEqual(await ids(repo.limitedTo(onlyP1), 'Patient', '_has:Observation:subject:code=urn:c|a'), ['p1'], '_has finds p1 through p1’s Observation only');
    assert.deepEqual(await ids(r, 'Observation', 'subject:Patient.family=Fam-p3'), [], 'a chain to a Patient outside the limit matches nothing');
    // Every Observation is visible, but only p1's and p2's Patients: the chain looks through those only.
    const patients = repo.limitedTo(limit({ Patient: { readable: true, compartments: ['p1', 'p2'] }, Observation: { readable: true } }));
    assert.deepEqual(await ids(patients, 'Observation', 'subject:Patient.family=Fam-p3'), [], 'p3’s Observation is not found through p3’s hidden Patient');
    assert.deepEqual(await ids(patients, 'Observation', 'subject:Patient.family=Fam-p1'), ['o1', 'o2'], 'p1’s is');
    assert.deepEqual(await ids(patients, 'Observation', 'code=urn:c|a'), ['o1', 'o3', 'o4'], 'and p3’s Observation itself is visible');
  });

  it('hides labelled rows, with or without a system, except in the compartments it opens', async () => {
    const conditions = { Condition: { readable: true }, Patient: { readable: true } };
    const hidden = repo.limitedTo(limit(conditions, { hidden: [PSY] }));
    assert.deepEqual(await ids(hidden, 'Condition', ''), ['c-plain'], 'both PSY-labelled rows are hidden');
    assert.deepEqual(await ids(hidden, 'Patient', '_has:Condition:subject:code:text=x'), ['p1'], '_has does not match on the hidden one');
    const open = repo.limitedTo(limit(conditions, { hidden: [], hiddenOutside: { labels: [PSY], compartments: ['p2'] } }));
    assert.deepEqual(await ids(open, 'Condition', ''), ['c-plain', 'c-psy'], 'open in p2’s compartment only');
    assert.deepEqual(await ids(open, 'Patient', '_has:Condition:subject:code:text=x'), ['p1', 'p2'], 'and _has agrees');
  });

  it('applies scope-filter alternatives, and nothing when none can hold', async () => {
    const a = req('Observation', 'code=urn:c|a').criteria;
    const filtered = repo.limitedTo(limit({ Observation: { readable: true, alternatives: [{ criteria: a }] } }));
    assert.deepEqual(await ids(filtered, 'Observation', ''), ['o1', 'o3', 'o4'], 'code a only');
    const inContext = repo.limitedTo(limit({ Observation: { readable: true, alternatives: [{ criteria: a, compartments: ['p2'] }, { criteria: [], compartments: ['p1'] }] } }));
    assert.deepEqual(await ids(inContext, 'Observation', ''), ['o1', 'o2', 'o3'], 'one alternative or the other');
    const none = repo.limitedTo(limit({ Observation: { readable: true, alternatives: [] } }));
    assert.deepEqual(await ids(none, 'Observation', ''), [], 'no alternative: no row');
  });

  it('refuses a chain or _has through an unreadable type (403), and keeps the readable targets of a chain', async () => {
    const noConditions = repo.limitedTo(limit({ Patient: { readable: true }, Observation: { readable: true } }));
    assert.equal(await statusOf(noConditions.search(req('Patient', '_has:Condition:subject:code:text=x'), { count: 10 })), 403, '_has through Condition');
    assert.equal(await statusOf(noConditions.count(req('Observation', 'subject:Group.code=x'))), 403, 'a chain through Group only');
    assert.deepEqual(await ids(noConditions, 'Observation', 'subject.family=Fam-p2'), ['o3'], 'subject.family keeps Patient and drops the unreadable targets');
    assert.deepEqual(await ids(repo.limitedTo(limit({})), 'Observation', ''), [], 'an unreadable searched type finds nothing');
  });

  it('binds compartment ids as values: a hostile id is text, not SQL', async () => {
    const seen: string[] = [];
    const spy: Queryable = {
      query: (sql, params, opts) => {
        seen.push(sql);
        return t.db.query(sql, params, opts);
      },
      exec: (sql) => t.db.exec(sql),
    };
    const hostile = limit({ Observation: { readable: true, compartments: [HOSTILE] } }, { hidden: [{ system: "s'; DROP TABLE resource; --", code: "PSY' OR '1'='1" }] });
    const page = await runSearch(spy, 'rows', req('Observation', ''), { count: 10, limit: hostile });
    assert.deepEqual(page.matches, [], 'no row is in a compartment named by the hostile text');
    assert.equal(await countSearch(spy, 'rows', req('Observation', ''), hostile), 0, 'counted the same');
    assert.ok(seen.length > 0 && seen.every((sql) => !sql.includes("OR '1'='1") && !sql.includes('DROP TABLE')), 'no value reaches the SQL text');
    const two = await runSearch(spy, 'rows', req('Observation', ''), { count: 10, limit: limit({ Observation: { readable: true, compartments: [HOSTILE, 'p2'] } }) });
    assert.deepEqual(two.matches.map((m) => m.id), ['o3'], 'and the real id beside it still matches');
  });
});
