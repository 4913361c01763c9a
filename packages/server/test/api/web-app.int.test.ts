/**
 * The web app at `/`: pages (and deep links) get index.html with a fresh CSP nonce and a strict
 * policy, hashed assets are cached for good (the icon, which keeps its name, is not), and the
 * server's own routes keep their answers and their 404s. The app's OAuth client accepts only its
 * own origin's /callback. Runs against a stand-in build, so it does not need `vite build`.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../fixtures/server.ts';

describe('web app at /', () => {
  let server: TestServer;
  let root: string;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'continuum-web-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><html><head><meta property="csp-nonce" nonce="__CSP_NONCE__"><script type="module" src="/assets/app-abc123.js"></script></head><body><div id="root"></div></body></html>');
    writeFileSync(join(root, 'portal.html'), '<!doctype html><html><head><meta property="csp-nonce" nonce="__CSP_NONCE__"><title>portal</title><script type="module" src="/assets/portal-def456.js"></script></head><body><div id="root"></div></body></html>');
    writeFileSync(join(root, 'assets', 'app-abc123.js'), 'console.log("app");');
    writeFileSync(join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    server = await startTestServer({}, { webRoot: root });
  });
  after(async () => {
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const get = (path: string, init?: RequestInit) => fetch(`${server.origin}${path}`, init);

  it('serves index.html at / and at deep links, with a fresh nonce under a strict policy', async () => {
    const nonces = new Set<string>();
    const paths = ['/', '/patients/abc-123/summary', '/callback?code=x&state=y', '/referrals', '/admin/partners', '/admin/duplicates', '/audit?user=demo.auditor'];
    for (const path of paths) {
      const res = await get(path);
      assert.equal(res.status, 200, `${path} is a page of the app`);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/, `${path} is HTML`);
      const csp = res.headers.get('content-security-policy') ?? '';
      const html = await res.text();
      const nonce = /nonce="([^"]+)"/.exec(html)?.[1];
      assert.ok(nonce && nonce !== '__CSP_NONCE__', `${path}: the placeholder is replaced by a nonce`);
      nonces.add(nonce);
      assert.ok(csp.includes(`style-src 'self' 'nonce-${nonce}'`), `${path}: styles only from the app or with the page's nonce: ${csp}`);
      assert.ok(csp.includes("script-src 'self'") && !/unsafe-inline|unsafe-eval|https?:/.test(csp), `${path}: no inline or remote scripts: ${csp}`);
      assert.ok(csp.includes("frame-ancestors 'none'"), `${path}: not framed`);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', `${path}: the usual security headers stay`);
      assert.equal(res.headers.get('cache-control'), 'no-store', `${path}: pages are not cached`);
    }
    assert.equal(nonces.size, paths.length, 'every page gets its own nonce');
  });

  it('serves portal.html at /portal and below it, with its own nonce; server routes there keep their answers', async () => {
    for (const path of ['/portal', '/portal/', '/portal/results', '/portal/callback?code=x&state=y', '/portal/messages/abc-123']) {
      const res = await get(path);
      assert.equal(res.status, 200, `${path} is a page of the portal`);
      const html = await res.text();
      assert.match(html, /<title>portal<\/title>/, `${path} gets the portal's page, not the clinician app's`);
      const nonce = /nonce="([^"]+)"/.exec(html)?.[1];
      assert.ok(nonce && nonce !== '__CSP_NONCE__', `${path}: the placeholder is replaced by a nonce`);
      assert.ok((res.headers.get('content-security-policy') ?? '').includes(`style-src 'self' 'nonce-${nonce}'`), `${path}: the same strict policy`);
      assert.equal(res.headers.get('cache-control'), 'no-store', `${path}: not cached`);
    }
    assert.equal((await get('/portal.html')).status, 404, 'the raw template is not served');
    assert.equal((await get('/portal/x', { method: 'POST' })).status, 404, 'only GET gets the portal');
    assert.equal((await get('/portal/favicon.ico')).status, 404, 'a file name below /portal is not a page');
    assert.equal((await get('/portalx')).status, 404, 'a path that only starts like the portal is not one');
  });

  it('serves hashed assets with long caching; missing files and the template are 404', async () => {
    const asset = await get('/assets/app-abc123.js');
    assert.equal(asset.status, 200, 'the asset is served');
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/, 'hashed assets never change');
    const icon = await get('/favicon.svg');
    assert.equal(icon.status, 200, 'the icon is served');
    assert.match(icon.headers.get('content-type') ?? '', /image\/svg\+xml/, 'as SVG');
    const iconCache = icon.headers.get('cache-control') ?? '';
    assert.ok(/max-age=\d+/.test(iconCache) && !iconCache.includes('immutable'), `the icon keeps its name, so it is not cached for good: ${iconCache}`);
    assert.equal((await get('/assets/missing-1.js')).status, 404, 'a missing asset is a 404, not the app');
    assert.equal((await get('/favicon.ico')).status, 404, 'a missing file is a 404');
    assert.equal((await get('/index.html')).status, 404, 'the raw template is not served');
    assert.equal((await get('/patients/x', { method: 'POST' })).status, 404, 'only GET gets the app');
    assert.equal((await get('/nowhere')).status, 404, 'a path that is not a page of the app stays a 404');
    assert.equal((await get('/patients/x/../../../etc/passwd')).status, 404, 'no way out of the app folder');
  });

  it('leaves the server routes alone', async () => {
    const fhir = await get('/fhir/Patient');
    assert.equal(fhir.status, 401, 'the FHIR API still needs a token');
    assert.equal((await fhir.json() as { resourceType: string }).resourceType, 'OperationOutcome', 'FHIR errors stay OperationOutcomes');
    assert.equal((await get('/fhir/metadata')).status, 200, 'metadata is public');
    assert.equal((await get('/healthz')).status, 200, 'health check');
    assert.equal((await get('/oauth/.well-known/openid-configuration')).status, 200, 'OIDC discovery');
    const unknown = await get('/auth/no-such-page');
    assert.equal(unknown.status, 404, 'an unknown /auth path is a 404, not the app');
    assert.match(unknown.headers.get('content-type') ?? '', /fhir\+json/, 'with the server 404');
  });

  it('registers continuum-web, redirecting only to this origin', async () => {
    const auth = (redirect: string) =>
      get(`/oauth/auth?${new URLSearchParams({ client_id: 'continuum-web', response_type: 'code', redirect_uri: redirect, scope: 'openid fhirUser user/*.rs', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256', state: 's' }).toString()}`, { redirect: 'manual' });
    const ours = await auth(`${server.origin}/callback`);
    assert.equal(ours.status, 303, `this origin's /callback starts a sign-in (${ours.status})`);
    assert.match(ours.headers.get('location') ?? '', /\/auth\/interaction\//, 'to the login page');
    // The browser asks for an icon on every page; the sign-in page names the app's, and its
    // policy lets it load from this origin (and still nothing from any other).
    const login = await get(new URL(ours.headers.get('location')!, server.origin).pathname, { headers: { cookie: (ours.headers.getSetCookie()).map((c) => c.split(';')[0]).join('; ') } });
    assert.equal(login.status, 200, `the login page is served (${login.status})`);
    assert.match(await login.text(), /<link rel="icon" type="image\/svg\+xml" href="\/favicon\.svg">/, 'the login page names the icon');
    const loginCsp = login.headers.get('content-security-policy') ?? '';
    assert.match(loginCsp, /img-src 'self' data:;/, `its images come from this origin or the page: ${loginCsp}`);
    assert.match(loginCsp, /default-src 'none'/, `and nothing else loads: ${loginCsp}`);
    const theirs = await auth('https://evil.example/callback');
    assert.equal(theirs.status, 400, 'another origin is refused');
  });
});
