/**
 * `continuum cds add|list|remove` as a child process over a fresh store: registering an outside
 * service checks its discovery document first (unless --force), and the Endpoint it writes is
 * listed and removed again.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { freshStoreEnv, runCli } from '../fixtures/backend.ts';

describe('continuum cds', () => {
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;
  let provider: Server;
  let discovery: string;

  before(async () => {
    ({ env, cleanup } = await freshStoreEnv('default', 'continuum-cds-cli-'));
    provider = createServer((req, res) => {
      if (req.url !== '/cds-services') {
        res.statusCode = 404;
        res.end();
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ services: [{ hook: 'order-sign', id: 'acme-formulary', description: 'Formulary checks' }] }));
    });
    await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
    discovery = `http://127.0.0.1:${(provider.address() as AddressInfo).port}/cds-services`;
  });
  after(async () => {
    await new Promise((resolve) => provider.close(resolve));
    await cleanup();
  });

  it('adds, lists and removes an outside service', async () => {
    const add = await runCli(env, ['cds', 'add', discovery, '--name', 'Acme']);
    assert.equal(add.code, 0, add.err);
    assert.match(add.out, /offers: acme-formulary \(order-sign\)/);
    const id = /registered Endpoint\/([A-Za-z0-9.-]+)/.exec(add.out)?.[1];
    assert.ok(id, add.out);
    const list = await runCli(env, ['cds', 'list']);
    assert.equal(list.code, 0, list.err);
    assert.equal(list.out.trim(), `${id}\tAcme\t${discovery}`);
    const removed = await runCli(env, ['cds', 'remove', id]);
    assert.equal(removed.code, 0, removed.err);
    assert.match((await runCli(env, ['cds', 'list'])).out, /no outside CDS services registered/);
  });

  it('refuses a URL that is not a discovery document unless forced, and bad usage', async () => {
    const bad = await runCli(env, ['cds', 'add', discovery.replace('/cds-services', '/nothing')]);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /not a usable CDS Hooks discovery document/);
    const forced = await runCli(env, ['cds', 'add', discovery.replace('/cds-services', '/nothing'), '--force']);
    assert.equal(forced.code, 0, forced.err);
    assert.equal((await runCli(env, ['cds', 'add', 'ftp://x'])).code, 2);
    assert.equal((await runCli(env, ['cds', 'frobnicate'])).code, 2);
  });
});
