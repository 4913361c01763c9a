/**
 * Storage suite: the versioned repository on a real database (PGlite or PostgreSQL, chosen by
 * CONTINUUM_TEST_BACKEND). Checks versions and history, logical delete, atomic index rows,
 * compartments, tenant isolation and optimistic concurrency at the repository level.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Observation, Patient } from '@medplum/fhirtypes';
import { isOutcomeError, loadDefinitions, SearchParamRegistry } from '@continuum/fhir';
import { createIndexer } from '../../src/store/indexer.ts';
import { Repository } from '../../src/store/repository.ts';
import { createTestDatabase, type TestDatabase } from '../fixtures/backend.ts';

let t: TestDatabase;
let repo: Repository;
let other: Repository;

const count = async (sql: string, params: unknown[]): Promise<number> =>
  Number((await t.db.query<{ n: number }>(sql, params)).rows[0]!.n);

const statusOf = async (p: Promise<unknown>): Promise<number> => {
  try {
    await p;
    return 0;
  } catch (err) {
    assert.ok(isOutcomeError(err), `expected an OutcomeError, got ${String(err)}`);
    return err.status;
  }
};

before(async () => {
  loadDefinitions();
  t = await createTestDatabase();
  const deps = { db: t.db, indexer: createIndexer(SearchParamRegistry.r4()) };
  repo = new Repository(deps, 'org-a');
  other = new Repository(deps, 'org-b');
});
after(() => t.drop());

const patient = (mrn: string): Patient => ({
  resourceType: 'Patient',
  identifier: [{ system: 'urn:test:mrn', value: mrn }],
  name: [{ family: 'Żółć', given: ['Ada'] }],
  gender: 'female',
  birthDate: '1980-05-17',
});

describe('versions and history', () => {
  it('keeps every version, numbered from 1', async () => {
    const { resource } = await repo.create(patient('v-1'));
    const id = resource.id!;
    await repo.update('Patient', id, { ...resource, gender: 'male' });
    await repo.update('Patient', id, { ...resource, gender: 'other' });
    const current = await repo.read('Patient', id);
    assert.equal(current.meta?.versionId, '3');
    assert.equal((current as Patient).gender, 'other');
    const versions = await repo.history({ resourceType: 'Patient', id, count: 10 });
    assert.deepEqual(versions.map((v) => v.versionId), [3, 2, 1]);
    const v1 = JSON.parse((await repo.vreadStored('Patient', id, '1')).content!) as Patient;
    assert.equal(v1.gender, 'female');
  });

  it('deletes logically: 410 afterwards, history kept, index rows gone', async () => {
    const { resource } = await repo.create(patient('del-1'));
    const id = resource.id!;
    assert.ok((await count('SELECT count(*)::int AS n FROM sp_token t JOIN resource r USING (rid) WHERE r.id = $1', [id])) > 0);
    assert.equal(await repo.delete('Patient', id), true);
    assert.equal(await statusOf(repo.read('Patient', id)), 410);
    const versions = await repo.history({ resourceType: 'Patient', id, count: 10 });
    assert.deepEqual(versions.map((v) => [v.versionId, v.method]), [[2, 'delete'], [1, 'create']]);
    assert.equal(await count('SELECT count(*)::int AS n FROM sp_token t JOIN resource r USING (rid) WHERE r.id = $1', [id]), 0);
    assert.equal(await statusOf(repo.vreadStored('Patient', id, '2')), 410);
    assert.equal(await repo.delete('Patient', id), false, 'a second delete changes nothing');
  });

  it('answers 404 for ids that never existed', async () => {
    assert.equal(await statusOf(repo.read('Patient', 'never-there')), 404);
  });
});

describe('index rows and compartments', () => {
  it('writes index rows with the resource and replaces them on update', async () => {
    const { resource } = await repo.create(patient('idx-1'));
    const id = resource.id!;
    const family = async (): Promise<string[]> =>
      (await t.db.query<{ norm: string }>(
        `SELECT s.norm FROM sp_string s JOIN resource r USING (rid) WHERE r.id = $1 AND s.param = 'family'`, [id],
      )).rows.map((r) => r.norm);
    assert.deepEqual(await family(), ['zolc'], 'accents removed and lower-cased');
    await repo.update('Patient', id, { ...resource, name: [{ family: 'Nowak' }] });
    assert.deepEqual(await family(), ['nowak'], 'old rows replaced, not accumulated');
  });

  it('computes patient compartments at write time', async () => {
    const { resource: p } = await repo.create(patient('comp-1'));
    const obs: Observation = {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
      subject: { reference: `Patient/${p.id}` },
      valueQuantity: { value: 72, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
    };
    const { resource: o } = await repo.create(obs);
    const rows = await t.db.query<{ compartments: string[] }>(
      'SELECT compartments FROM resource WHERE tenant_id = $1 AND id = $2', ['org-a', o.id],
    );
    assert.deepEqual(rows.rows[0]!.compartments, [p.id]);
    const self = await t.db.query<{ compartments: string[] }>('SELECT compartments FROM resource WHERE id = $1', [p.id]);
    assert.deepEqual(self.rows[0]!.compartments, [p.id]);
  });
});

describe('long values', () => {
  it('stores and finds strings and identifiers longer than an index row allows', async () => {
    // Random text, so that PostgreSQL cannot compress it under the index row limit.
    const family = 'Łx' + randomBytes(6_000).toString('hex');
    const mrn = randomBytes(4_000).toString('hex');
    const { resource } = await repo.create({ ...patient(mrn), name: [{ family }] });
    const byName = await repo.search(repo.parseCriteria('Patient', `family:exact=${family}`), { count: 5 });
    assert.deepEqual(byName.matches.map((m) => m.id), [resource.id]);
    const byPrefix = await repo.search(repo.parseCriteria('Patient', `family=${family.slice(0, 40).toLowerCase().replace('ł', 'l')}`), { count: 5 });
    assert.deepEqual(byPrefix.matches.map((m) => m.id), [resource.id]);
    const byMrn = await repo.search(repo.parseCriteria('Patient', `identifier=urn:test:mrn|${mrn}`), { count: 5 });
    assert.deepEqual(byMrn.matches.map((m) => m.id), [resource.id]);
  });
});

describe('atomicity', () => {
  it('stores nothing when a write is invalid', async () => {
    const before = await count('SELECT count(*)::int AS n FROM resource_history', []);
    assert.equal(await statusOf(repo.create({ ...patient('bad'), gender: 'nope' } as unknown as Patient)), 400);
    assert.equal(await count('SELECT count(*)::int AS n FROM resource_history', []), before);
  });

  it('rolls back every write of a failed transaction', async () => {
    const before = await count('SELECT count(*)::int AS n FROM resource', []);
    const status = await statusOf(
      repo.inTransaction(async (tx) => {
        await tx.create(patient('tx-1'));
        await tx.create(patient('tx-2'));
        await tx.create({ resourceType: 'Patient', birthDate: 'not-a-date' });
      }),
    );
    assert.equal(status, 400);
    assert.equal(await count('SELECT count(*)::int AS n FROM resource', []), before);
    const idx = await count(`SELECT count(*)::int AS n FROM sp_token WHERE code IN ('tx-1', 'tx-2')`, []);
    assert.equal(idx, 0);
  });
});

describe('tenancy', () => {
  it('keeps organizations apart', async () => {
    const { resource } = await repo.create(patient('tenant-1'));
    assert.equal(await statusOf(other.read('Patient', resource.id!)), 404);
    const page = await other.search(other.parseCriteria('Patient', 'identifier=urn:test:mrn|tenant-1'), { count: 10 });
    assert.equal(page.matches.length, 0);
    const mine = await repo.search(repo.parseCriteria('Patient', 'identifier=urn:test:mrn|tenant-1'), { count: 10 });
    assert.equal(mine.matches.length, 1);
  });

  it('lets two organizations use the same client id independently', async () => {
    await repo.update('Patient', 'shared-id', { ...patient('s-a'), id: 'shared-id' });
    await other.update('Patient', 'shared-id', { ...patient('s-b'), id: 'shared-id', gender: 'male' });
    assert.equal(((await repo.read('Patient', 'shared-id')) as Patient).gender, 'female');
    assert.equal(((await other.read('Patient', 'shared-id')) as Patient).gender, 'male');
  });
});

describe('optimistic concurrency', () => {
  it('rejects a stale If-Match with 412 and changes nothing', async () => {
    const { resource } = await repo.create(patient('occ-1'));
    await repo.update('Patient', resource.id!, { ...resource, gender: 'male' }, { ifMatch: 1 });
    assert.equal(await statusOf(repo.update('Patient', resource.id!, { ...resource, gender: 'other' }, { ifMatch: 1 })), 412);
    assert.equal(((await repo.read('Patient', resource.id!)) as Patient).gender, 'male');
  });

  it('loses no update when writers race without If-Match', async () => {
    const { resource } = await repo.create(patient('race-1'));
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => repo.update('Patient', resource.id!, { ...resource, name: [{ family: `N${i}` }] })),
    );
    const versions = await repo.history({ resourceType: 'Patient', id: resource.id!, count: 50 });
    assert.equal(versions.length, 13);
    assert.deepEqual(versions.map((v) => v.versionId), Array.from({ length: 13 }, (_, i) => 13 - i));
  });
});
