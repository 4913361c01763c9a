/**
 * Without CONTINUUM_BASE_URL the issuer follows the Host header, and any client can send any Host:
 * the server keeps at most MAX_ORIGINS authorization-server instances, and an origin whose
 * instance was dropped is served again, correctly, when it comes back.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, it } from 'node:test';
import { MAX_ORIGINS } from '../../src/auth/routes.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

/** GET with a chosen Host header; resolves with the status and parsed JSON. */
function getWithHost(path: string, host: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const url = new URL(server.origin);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(body) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end();
  });
}

it('keeps a bounded number of issuers however many Host headers arrive, and serves a dropped one again', async () => {
  const auth = server.server.auth;
  assert.ok(auth, 'auth is on');
  const first = await getWithHost('/oauth/.well-known/openid-configuration', 'first.example:8080');
  assert.equal(first.status, 200);
  assert.equal(first.json.issuer, 'http://first.example:8080/oauth');
  for (let i = 0; i < MAX_ORIGINS * 3; i++) {
    const res = await getWithHost('/oauth/.well-known/openid-configuration', `spoof-${i}.example`);
    assert.equal(res.status, 200, `host ${i}`);
    assert.ok(auth.server.originsServed <= MAX_ORIGINS, `after ${i + 1} hosts: ${auth.server.originsServed} issuers kept`);
  }
  assert.equal(auth.server.originsServed, MAX_ORIGINS, 'the cap is reached, not exceeded');
  const again = await getWithHost('/oauth/.well-known/openid-configuration', 'first.example:8080');
  assert.equal(again.json.issuer, 'http://first.example:8080/oauth', 'the dropped origin is served again with its own issuer');
  // The test's own origin still works end to end (its client's token was issued by another instance).
  const meta = await server.request('GET', '/Patient?_count=1');
  assert.equal(meta.status, 200, 'tokens issued before stay valid: all state is in the database');
});
