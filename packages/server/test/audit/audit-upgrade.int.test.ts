/**
 * Audit suite, upgrading: a trail written before there were lanes (migrations up to 009, one
 * chain numbered by seq) still verifies after migration 010 turns it into lane 0, and appending
 * on several lanes afterwards keeps every chain intact; entry ids keep growing from the old ones.
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

  await migrate(db);
  const trail = new AuditTrail(db, { lanes: [0, 1, 2] });
  assert.deepEqual(await trail.verify(), { ok: true, checked: 25 });
  const heads = await trail.heads();
  assert.deepEqual(heads.filter((h) => h.pos !== '0'), [{ lane: 0, pos: '25', hash: prev }], 'the old chain is lane 0');

  await Promise.all(Array.from({ length: 60 }, (_, i) => trail.record(readEntry(tenant, 100 + i))));
  assert.deepEqual(await trail.verify(), { ok: true, checked: 85 });
  const rows = await trail.search({ tenant, count: 1000 });
  assert.equal(rows.length, 85);
  const newIds = rows.filter((r) => Number(r.seq) > 25);
  assert.equal(newIds.length, 60, 'new entries get ids after the old ones');
  assert.ok(new Set(rows.filter((r) => Number(r.seq) > 25).map((r) => r.lane)).size > 1, 'new entries went to several lanes');
});
