/**
 * Audit test helpers: a unique tenant per test (tests share a database, and the chain, but each
 * reads back only its own tenant), a Database that counts the transactions opened through it
 * (a pass-through over the real database, to see group commit at work), and synthetic entries.
 */
import { randomBytes } from 'node:crypto';
import type { Database } from '../../src/db/database.ts';
import type { AuditInput } from '../../src/audit/types.ts';

export const newTenant = (): string => `t-${randomBytes(5).toString('hex')}`;

export function countingTransactions(db: Database): { db: Database; transactions: () => number } {
  let n = 0;
  const counted: Database = {
    dialect: db.dialect,
    query: (sql, params, opts) => db.query(sql, params, opts),
    exec: (sql) => db.exec(sql),
    transaction: (fn) => {
      n += 1;
      return db.transaction(fn);
    },
    listen: (channel, onMessage, onReset) => db.listen(channel, onMessage, onReset),
    // Counted too: the trail may append on a connection of its own.
    ownConnection: () => counted,
    close: () => db.close(),
  };
  return { db: counted, transactions: () => n };
}

/** A read of one synthetic patient's observation by a synthetic physician. */
export function readEntry(tenant: string, i: number, overrides: Partial<AuditInput> = {}): AuditInput {
  return {
    tenant,
    action: 'read',
    outcome: 'success',
    userId: `user-${i % 7}`,
    username: `dr.synthetic${i % 7}`,
    fhirUser: `Practitioner/prac-${i % 7}`,
    role: 'physician',
    clientId: 'continuum-web',
    patients: [`pat-${i % 11}`],
    resource: `Observation/obs-${i}`,
    sourceIp: '192.0.2.10',
    ...overrides,
  };
}
