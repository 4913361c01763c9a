/**
 * Automatic logoff behind a load balancer: two app nodes over one database, a user's requests
 * alternating between them. Each node times a sign-in from the requests it sees; the sign-in
 * session in the shared store, kept alive by every request (at most every quarter of the idle
 * time), tells a node that the user was active on the other one, so a node that has not seen the
 * user for longer than the idle time does not log off a busy user, and an idle user is logged off
 * on both.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { configFromEnv } from '../../src/config.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { buildClinic, userToken, type Clinic } from './fixtures.ts';

// 0.05 minutes: 3 s without a request ends a sign-in; tokens are looked up again after 0.2 s.
const ENV = { CONTINUUM_IDLE_MINUTES: '0.05', CONTINUUM_TOKEN_CACHE_SECONDS: '0.2' };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('automatic logoff with two app nodes', () => {
  let a: TestServer;
  let b: RunningServer;
  let bData: string;
  let clinic: Clinic;
  before(async () => {
    a = await startTestServer(ENV);
    clinic = await buildClinic(a);
    bData = mkdtempSync(join(tmpdir(), 'continuum-node-b-'));
    const config = configFromEnv({ PORT: '1', CONTINUUM_DEMO: '0', CONTINUUM_JOBS: '0', CONTINUUM_DATA_DIR: bData, ...ENV });
    config.port = 0;
    config.host = '127.0.0.1';
    b = await startServer(config, { db: a.database.db, log: () => undefined });
  });
  after(async () => {
    await b?.close();
    await a?.close();
    if (bData) rmSync(bData, { recursive: true, force: true });
  });

  /** A read through node A or B; both answer as the public origin (node A's), as behind a balancer. */
  const read = (node: 'A' | 'B', token: string): Promise<number> => {
    const target = new URL(`${node === 'A' ? a.origin : b.url}/fhir/Patient/${clinic.patientA}`);
    return new Promise((resolve, reject) => {
      const req = httpRequest(target, { headers: { host: new URL(a.origin).host, authorization: `Bearer ${token}`, accept: 'application/fhir+json' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
  };

  it('a node that has not seen a busy user for longer than the idle time keeps them signed in', async () => {
    const token = await userToken(a, clinic, 'dr.okafor');
    assert.equal(await read('B', token), 200, 'node B answers the user first');
    // 4.5 s of activity on node A only: longer than the idle time (3 s) since node B saw the user.
    const until = Date.now() + 4500;
    for (let i = 0; Date.now() < until; i++) {
      assert.equal(await read('A', token), 200, `request ${i} on node A`);
      await sleep(400);
    }
    assert.equal(await read('B', token), 200, 'node B learns from the shared session that the user was active on node A');
    assert.equal(await read('A', token), 200, 'and node A still answers');

    // Now idle on both for longer than the idle time plus the interval a session is kept beyond it.
    await sleep(4200);
    assert.equal(await read('B', token), 401, 'node B logs the idle user off');
    assert.equal(await read('A', token), 401, 'and so does node A');
  });

  it('a session one node found idle is ended for every node', async () => {
    const token = await userToken(a, clinic, 'dr.okafor');
    assert.equal(await read('A', token), 200);
    // Past the idle time plus the push interval (0.75 s) the stored expiry may add.
    await sleep(4200);
    assert.equal(await read('A', token), 401, 'node A logs the idle user off');
    assert.equal(await read('B', token), 401, 'and node B, which never saw the user, refuses the token too');
  });
});
