/**
 * API suite, transient database failures: a deadlock that PostgreSQL resolves by rolling one
 * transaction back is answered 503 (the HTTP layer adds Retry-After: 1) with a `transient` OperationOutcome, never a
 * 500: nothing was written and the request can be sent again. PGlite has one connection, so it
 * cannot deadlock; the test needs the PostgreSQL backend.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import pg from 'pg';
import { toOutcomeError } from '../../src/http/app.ts';
import { backend, createPgDatabase } from '../fixtures/backend.ts';

let db: { url: string; drop: () => Promise<void> } | undefined;
before(async () => {
  if (backend === 'postgres') db = await createPgDatabase();
});
after(() => db?.drop());

/** Two sessions that each hold a row the other then asks for: PostgreSQL aborts one of them. */
async function realDeadlock(url: string): Promise<unknown> {
  const a = new pg.Client({ connectionString: url });
  const b = new pg.Client({ connectionString: url });
  await a.connect();
  await b.connect();
  try {
    await a.query('CREATE TABLE IF NOT EXISTS deadlock_probe (id int PRIMARY KEY, n int); INSERT INTO deadlock_probe VALUES (1, 0), (2, 0) ON CONFLICT DO NOTHING');
    await a.query("BEGIN; SET LOCAL deadlock_timeout = '100ms'; UPDATE deadlock_probe SET n = n + 1 WHERE id = 1");
    await b.query("BEGIN; SET LOCAL deadlock_timeout = '100ms'; UPDATE deadlock_probe SET n = n + 1 WHERE id = 2");
    const results = await Promise.allSettled([
      a.query('UPDATE deadlock_probe SET n = n + 1 WHERE id = 2'),
      b.query('UPDATE deadlock_probe SET n = n + 1 WHERE id = 1'),
    ]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    await a.query('ROLLBACK').catch(() => undefined);
    await b.query('ROLLBACK').catch(() => undefined);
    assert.ok(failed, 'PostgreSQL aborted one of the two transactions');
    return failed.reason;
  } finally {
    await a.end();
    await b.end();
  }
}

it('answers a deadlock with 503 and a transient outcome', { skip: backend !== 'postgres' && 'PGlite has one connection and cannot deadlock' }, async () => {
  const err = await realDeadlock(db!.url);
  assert.equal((err as { code?: string }).code, '40P01');
  const answer = toOutcomeError(err);
  assert.equal(answer.status, 503);
  assert.equal(answer.outcome.issue?.[0]?.code, 'transient');
  assert.match(answer.outcome.issue?.[0]?.diagnostics ?? '', /Send it again/);
  // Anything else unexpected stays a 500 that says nothing about the request.
  assert.equal(toOutcomeError(new Error('boom')).status, 500);
});
