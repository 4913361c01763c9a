/**
 * Storage suite: `tenantsWithToken` finds exactly the tenants holding a current resource with a
 * token (deleted and updated-away resources do not count), on both backends; and reads the token
 * index by tenant, never the whole index (the query it replaced, `SELECT DISTINCT tenant_id`,
 * could only scan all of it, and ran every five seconds).
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Task } from '@medplum/fhirtypes';
import { loadDefinitions, SearchParamRegistry } from '@continuum/fhir';
import { createIndexer } from '../../src/store/indexer.ts';
import { Repository } from '../../src/store/repository.ts';
import { TENANTS_WITH_TOKEN, tenantsWithToken, type TokenKey } from '../../src/store/tenants.ts';
import { createTestDatabase, type TestDatabase } from '../fixtures/backend.ts';

let t: TestDatabase;
before(async () => {
  loadDefinitions();
  t = await createTestDatabase();
});
after(() => t.drop());

const SEND: TokenKey = { resourceType: 'Task', param: 'code', system: 'urn:test:jobs', code: 'send' };
const task = (code: string): Task => ({ resourceType: 'Task', status: 'requested', intent: 'order', code: { coding: [{ system: SEND.system, code }] } });

it('finds the tenants that hold a current resource with the token, and only those', async () => {
  const indexer = createIndexer(SearchParamRegistry.r4());
  const repo = (tenant: string) => new Repository({ db: t.db, indexer }, tenant);
  assert.deepEqual(await tenantsWithToken(t.db, SEND), [], 'an empty store');

  await repo('t-b').create(task('send'));
  await repo('t-a').create(task('send'));
  await repo('t-a').create(task('send'));
  await repo('t-c').create(task('other'));
  await repo('t-d').create({ resourceType: 'Patient', identifier: [{ system: SEND.system, value: 'send' }] });
  const gone = await repo('t-e').create(task('send'));
  await repo('t-e').delete('Task', gone.resource.id!);
  const changed = await repo('t-f').create(task('send'));
  await repo('t-f').update('Task', changed.resource.id!, { ...task('other'), id: changed.resource.id! });
  await repo('t-g').create({ resourceType: 'Task', status: 'requested', intent: 'order', code: { coding: [{ system: 'urn:test:other', code: 'send' }] } });

  assert.deepEqual(await tenantsWithToken(t.db, SEND), ['t-a', 't-b'], 'in order; not another code, type or system; not deleted or updated away');
  assert.deepEqual(await tenantsWithToken(t.db, { ...SEND, code: 'other' }), ['t-c', 't-f']);
});

it('reads the token index by tenant, not all of it', async () => {
  // A store this small might be read whole anyway, so sequential scans are off: the old query
  // then reads the token's conditions across the whole index (they skip its leading tenant column).
  await t.db.transaction(async (tx) => {
    await tx.exec('SET LOCAL enable_seqscan = off');
    const plan = (await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${TENANTS_WITH_TOKEN}`, [SEND.resourceType, SEND.param, SEND.code, SEND.system])).rows.map((r) => r['QUERY PLAN']);
    // The token's own conditions (its code) are only ever read together with one tenant.
    const tokenReads = (lines: string[]) => lines.filter((line) => line.includes('Index Cond') && line.includes('code ='));
    assert.ok(tokenReads(plan).length > 0, plan.join('\n'));
    assert.ok(tokenReads(plan).every((line) => line.includes('tenant_id = ')), `the token is read within one tenant:\n${plan.join('\n')}`);
    const old = (await tx.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT DISTINCT tenant_id FROM sp_token WHERE resource_type = $1 AND param = $2 AND code = $3 AND system = $4`,
      [SEND.resourceType, SEND.param, SEND.code, SEND.system],
    )).rows.map((r) => r['QUERY PLAN']);
    assert.ok(tokenReads(old).some((line) => !line.includes('tenant_id')), `the query it replaced reads the token across tenants:\n${old.join('\n')}`);
  });
});
