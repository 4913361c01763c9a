/**
 * Account changes made by `continuum users` in another process reach running servers at once
 * (PostgreSQL NOTIFY), instead of when the signed-in user's cached principal expires (30 s):
 * a granted right opens a labelled record, and a disabled account's token stops working.
 * PostgreSQL only: PGlite serves one process, so no CLI can run beside a server on it.
 */
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { Database } from '../../src/db/database.ts';
import { runUsers } from '../../src/identity/users-command.ts';
import { openStoreDatabase } from '../../src/store/open-store.ts';
import { backend } from '../fixtures/backend.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { buildClinic, userToken, type Clinic } from './fixtures.ts';

const SKIP = backend === 'postgres' ? false : 'needs PostgreSQL: PGlite is a single-process embedded database';

describe('account changes reach running servers at once', { skip: SKIP }, () => {
  let server: TestServer;
  let clinic: Clinic;
  let cli: Database;
  before(async () => {
    server = await startTestServer();
    clinic = await buildClinic(server);
    // The CLI's own connections, as a separate `continuum users` process would have.
    cli = await openStoreDatabase({ databaseUrl: server.database.url!, dataDir: '', poolSize: 2 });
  });
  after(async () => {
    await cli?.close();
    await server?.close();
  });

  async function users(args: string[]): Promise<void> {
    const out = new PassThrough();
    const err = new PassThrough();
    let text = '';
    err.on('data', (c: Buffer) => void (text += c.toString()));
    const code = await runUsers(args, { db: cli, tenant: clinic.tenant, io: { stdin: Readable.from(['']), stdout: out, stderr: err } });
    assert.equal(code, 0, text);
  }

  /** Polls for up to 3 s (well under the 30 s cache) until the status is `want`. */
  async function statusBecomes(path: string, token: string, want: number): Promise<number> {
    const start = Date.now();
    let status = 0;
    while (Date.now() - start < 3000) {
      status = (await server.request('GET', path, { token })).status;
      if (status === want) return Date.now() - start;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail(`${path} still answers ${status}, not ${want}, 3 s after the change`);
  }

  it('a granted label opens the record, a withdrawn one closes it again', async () => {
    const token = await userToken(server, clinic, 'dr.okafor');
    const path = `/Condition/${clinic.restrictedA}`;
    assert.equal((await server.request('GET', path, { token })).status, 404, 'SUD-labelled: hidden without the right');
    await users(['rights', '--username', 'dr.okafor', '--add', 'SUD']);
    await statusBecomes(path, token, 200);
    await users(['rights', '--username', 'dr.okafor', '--remove', 'SUD']);
    await statusBecomes(path, token, 404);
  });

  it('a disabled account’s token stops working', async () => {
    const token = await userToken(server, clinic, 'nurse.lee');
    const path = `/Patient/${clinic.patientA}`;
    assert.equal((await server.request('GET', path, { token })).status, 200, 'works before');
    await users(['disable', '--username', 'nurse.lee']);
    await statusBecomes(path, token, 401);
  });
});
