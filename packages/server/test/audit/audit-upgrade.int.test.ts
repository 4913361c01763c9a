/**
 * Audit suite, upgrading: a trail written before there were lanes (migrations up to 009, one
 * chain numbered by seq) still verifies after migration 010 turns it into lane 0; entries then
 * written one row each on lanes (migrations 010 to 024) and batches appended after migration 025
 * continue the same chains, every chain intact; entry ids keep growing from the old ones, the
 * report reads old and new entries as one list, and the old rows stay unchangeable.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { AuditTrail } from '../../src/audit/audit-trail.ts';
import { entryHash, GENESIS_HASH } from '../../src/audit/chain.ts';
import { auditFields } from '../../src/audit/types.ts';
import type { Database } from '../../src/db/database.ts';
import { loadMigrations, migrate } from '../../src/db/migrate.ts';
import { openPglite } from '../../src/db/pglite.ts';
import { openPostgres } from '../../src/db/postgres.ts';
import { backend, createPgDatabase } from '../fixtures/backend.ts';
import { newTenant, readEntry } from './helpers.ts';

let db: Database;
let dropPg: (() => Promise<void>) | undefined;
before(async () => {
  if (backend === 'postgres') {
    const pg = await createPgDatabase();
    dropPg = pg.drop;
    db = openPostgres(pg.url, 4);
  } else {
    db = await openPglite(undefined);
  }
});
after(async () => {
  await db.close();
  await dropPg?.();
});

it('verifies a chain written before lanes, and appends on lanes after it', async () => {
  await migrate(db, loadMigrations().filter((m) => m.version < 10));
  const tenant = newTenant();
  // Written as the single-chain trail did: seq 1..25 in the hash, the head at 25.
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= 25; seq++) {
    const content = auditFields(readEntry(tenant, seq), new Date(Date.UTC(2030, 0, 1, 0, seq)));
    const hash = entryHash(prev, { ...content, lane: 0, pos: String(seq) });
    await db.query(
      `INSERT INTO audit_entry (seq, tenant_id, recorded, action, outcome, priority, user_id, username, fhir_user, role, client_id,
         patients, resource, query, source_ip, detail, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
      [seq, content.tenantId, content.recorded, content.action, content.outcome, content.priority, content.userId, content.username,
        content.fhirUser, content.role, content.clientId, content.patients, content.resource, content.query, content.sourceIp,
        content.detail, prev, hash],
    );
    prev = hash;
  }
  await db.query('UPDATE audit_head SET seq = 25, hash = $1 WHERE id = 1', [prev]);

  await migrate(db, loadMigrations().filter((m) => m.version < 25));
  // This code reads the schema of every migration (audit_batch included): only the heads here.
  const lanes = new AuditTrail(db);
  const heads = await lanes.heads();
  assert.deepEqual(heads.filter((h) => h.pos !== '0'), [{ lane: 0, pos: '25', hash: prev }], 'the old chain is lane 0');

  // Written as the trail on lanes did (migrations 010 to 024): one row per entry, `lane:pos` hashed
  // on lanes other than 0; ids from the sequence, 26 to 35.
  const laneHeads = new Map<number, { pos: number; hash: string }>([[0, { pos: 25, hash: prev }], [1, { pos: 0, hash: GENESIS_HASH }]]);
  for (let i = 0; i < 10; i++) {
    const lane = i % 2;
    const at = laneHeads.get(lane)!;
    const content = auditFields(readEntry(tenant, 26 + i), new Date(Date.UTC(2030, 0, 2, 0, i)));
    const fields = { ...content, lane, pos: String(at.pos + 1) };
    const hash = entryHash(at.hash, fields);
    await db.query(
      `INSERT INTO audit_entry (lane, pos, tenant_id, recorded, action, outcome, priority, user_id, username, fhir_user, role, client_id,
         patients, resource, query, source_ip, detail, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
      [lane, fields.pos, content.tenantId, content.recorded, content.action, content.outcome, content.priority, content.userId, content.username,
        content.fhirUser, content.role, content.clientId, content.patients, content.resource, content.query, content.sourceIp,
        content.detail, at.hash, hash],
    );
    await db.query('UPDATE audit_head SET pos = $1, hash = $2 WHERE id = $3', [fields.pos, hash, lane + 1]);
    laneHeads.set(lane, { pos: at.pos + 1, hash });
  }

  await migrate(db);
  const trail = new AuditTrail(db, { lanes: [0, 1, 2] });
  assert.deepEqual(await trail.verify(), { ok: true, checked: 35 }, 'the old entries verify after migration 025');
  await Promise.all(Array.from({ length: 60 }, (_, i) => trail.record(readEntry(tenant, 100 + i))));
  assert.deepEqual(await trail.verify(), { ok: true, checked: 95 });
  const batches = (await db.query<{ lane: number; pos: string }>('SELECT lane, pos::text AS pos FROM audit_batch ORDER BY lane')).rows;
  assert.deepEqual(batches.map((b) => [b.lane, b.pos]), [[0, '31'], [1, '6'], [2, '1']], 'each lane continues after its old entries');

  const rows = await trail.search({ tenant, count: 1000 });
  assert.equal(rows.length, 95);
  const ids = rows.map((r) => BigInt(r.seq));
  assert.deepEqual(ids, [...ids].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)), 'newest first, old and new entries in one order');
  assert.equal(new Set(ids).size, 95, 'every entry has its own id');
  const newIds = rows.filter((r) => Number(r.seq) > 35);
  assert.equal(newIds.length, 60, 'new entries get ids after the old ones');
  assert.ok(new Set(newIds.map((r) => r.lane)).size > 1, 'new entries went to several lanes');
  assert.deepEqual(rows.filter((r) => Number(r.seq) <= 35).map((r) => r.resource), Array.from({ length: 35 }, (_, i) => `Observation/obs-${35 - i}`));

  // The report's pages run on from the batches into the old rows without a gap or a repeat.
  const paged: string[] = [];
  for (let after: string | undefined; ;) {
    const page = await trail.search({ tenant, count: 7, ...(after ? { after } : {}) });
    paged.push(...page.map((r) => r.seq));
    if (page.length < 7) break;
    after = page[page.length - 1]!.seq;
  }
  assert.deepEqual(paged, rows.map((r) => r.seq));
  // And a filter finds old and new entries alike (readEntry gives user-3 to entries 3, 10, 17, ...).
  const user3 = await trail.search({ tenant, user: 'user-3', count: 1000 });
  assert.deepEqual(user3.map((r) => r.resource).sort(), rows.filter((r) => r.userId === 'user-3').map((r) => r.resource).sort());
  assert.ok(user3.some((r) => Number(r.seq) <= 35) && user3.some((r) => Number(r.seq) > 35));

  // The old rows stay as they were: no change, removal or addition through ordinary SQL.
  for (const sql of [`UPDATE audit_entry SET outcome = 'failure' WHERE seq = 3`, 'DELETE FROM audit_entry WHERE seq = 30', 'TRUNCATE audit_entry']) {
    await assert.rejects(db.query(sql), /append-only/, sql);
  }
});
