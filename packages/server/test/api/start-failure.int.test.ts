/**
 * A server that cannot start (here: its port is taken) fails with the reason and leaves nothing
 * running behind it: no timer, listener or connection it opened stays open, and the same database
 * then serves a server that does start. Without this, a failed start kept the process alive (a
 * test run once hung on one) and held the store's connections.
 */
import assert from 'node:assert/strict';
import { createHook } from 'node:async_hooks';
import { createServer, type Server } from 'node:net';
import { after, before, it } from 'node:test';
import { configFromEnv } from '../../src/config.ts';
import { startServer } from '../../src/server.ts';
import { freshStoreEnv } from '../fixtures/backend.ts';
import { clientCredentialsToken, TEST_CLIENT } from '../fixtures/server.ts';

// The server opens its own store (a PGlite folder, or a PostgreSQL database by URL), so that
// what it opens is all its own: a failed start must close the store too.
let store: Awaited<ReturnType<typeof freshStoreEnv>>;
let blocker: Server;
let port: number;

before(async () => {
  store = await freshStoreEnv('default', 'continuum-start-failure-');
  blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  port = (blocker.address() as { port: number }).port;
});
after(async () => {
  await new Promise((resolve) => blocker.close(resolve));
  await store.cleanup();
});

const config = (p: number) => {
  const c = configFromEnv({ PORT: '1', CONTINUUM_DEMO: '0', CONTINUUM_BOOTSTRAP_CLIENT_ID: TEST_CLIENT.id, CONTINUUM_BOOTSTRAP_CLIENT_SECRET: TEST_CLIENT.secret, ...store.env });
  c.port = p;
  c.host = '127.0.0.1';
  return c;
};

/**
 * Runs `fn` and returns the listeners, sockets and timers it created that are still open
 * `settleMs` later. Resources are tracked from their creation (async hooks), so other test files
 * sharing this process, with servers of their own, do not count.
 */
async function leftOpenBy(fn: () => Promise<unknown>, settleMs = 1000): Promise<string[]> {
  const open = new Map<number, string>();
  let own = false;
  const hook = createHook({
    init(id, type) {
      if (!own && (type === 'TCPSERVERWRAP' || type === 'TCPWRAP' || type === 'Timeout')) open.set(id, type);
    },
    destroy(id) {
      open.delete(id);
    },
  });
  hook.enable();
  try {
    await fn();
    // A closed socket goes once the peer has seen the end: allow it a moment.
    for (let waited = 0; open.size > 0 && waited < settleMs; waited += 20) {
      own = true; // this wait's own timer is not one of them
      const pause = new Promise((resolve) => setTimeout(resolve, 20));
      own = false;
      await pause;
    }
  } finally {
    hook.disable();
  }
  return [...open.values()].sort();
}

it('a start that fails leaves no timer, listener or connection behind, and the store serves the next start', async () => {
  // A first start and stop, so that what a start loads once per process is loaded before counting.
  const warm = await startServer(config(0), { log: () => undefined });
  await warm.close();

  const left = await leftOpenBy(() => assert.rejects(startServer(config(port), { log: () => undefined }), /EADDRINUSE/));
  assert.deepEqual(left, [], 'nothing the failed start opened is left open');

  const next = await startServer(config(0), { log: () => undefined });
  try {
    const token = await clientCredentialsToken(next.url, TEST_CLIENT);
    const res = await fetch(`${next.url}/fhir/Patient?_count=1`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200, 'the next start serves the same store');
  } finally {
    await next.close();
  }
});
