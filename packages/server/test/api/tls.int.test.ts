/**
 * HTTPS straight from certificate files: a real `continuum start` child with CONTINUUM_TLS_CERT
 * and CONTINUUM_TLS_KEY pointing at a throw-away self-signed certificate (made by `openssl` in a
 * temporary folder). Over HTTPS, with the certificate checked against the host name, the
 * CapabilityStatement and SMART discovery give https URLs, every answer (the FHIR API, the
 * OAuth endpoints, the sign-in pages) carries HSTS, the sign-in's cookies are `Secure` and
 * `HttpOnly`, a client's `X-Forwarded-Proto` cannot talk the server down to http, and the whole
 * SMART sign-in then works. Plain HTTP on the same port gets no answer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backend, freshStoreEnv, runCli } from '../fixtures/backend.ts';
import { killAllChildren, startChildServer, type ChildServer } from '../fixtures/crash-server.ts';
import { hasOpenssl, selfSignedCertificate, trustingFetch, type TestCertificate } from '../fixtures/tls.ts';
import { frontChannel, pkce, tokenRequest } from '../auth/oauth-client.ts';

const PASSWORD = 'Correct-Horse-Battery-9';
const REDIRECT = 'https://app.example/callback';
const HSTS = /max-age=\d{7,}/;

describe(`HTTPS from certificate files (${backend})`, { skip: hasOpenssl() ? false : 'the openssl CLI is not installed' }, () => {
  let cert: TestCertificate;
  let server: ChildServer;
  let tls: typeof fetch;
  const cleanups: (() => Promise<void> | void)[] = [];

  before(async () => {
    cert = selfSignedCertificate();
    cleanups.push(() => cert.remove());
    tls = trustingFetch(cert.ca);
    const store = await freshStoreEnv('default', 'continuum-tls-');
    cleanups.push(store.cleanup);
    // Registered before the server opens the store (PGlite allows one process at a time).
    const app = await runCli(store.env, ['clients', 'add', '--name', 'TLS app', '--type', 'public', '--redirect-uri', REDIRECT, '--scope', 'openid fhirUser user/*.rs', '--id', 'tls-app']);
    assert.equal(app.code, 0, app.err);
    const user = await runCli(store.env, ['users', 'add', '--username', 'dr.tls', '--kind', 'staff', '--fhir-user', 'Practitioner/tls', '--role', 'physician', '--organization', 'Organization/tls-clinic', '--password-stdin'], `${PASSWORD}\n`);
    assert.equal(user.code, 0, user.err);
    server = await startChildServer({ ...store.env, CONTINUUM_TLS_CERT: cert.certFile, CONTINUUM_TLS_KEY: cert.keyFile }, 60_000, { fetch: tls });
  });
  after(async () => {
    await killAllChildren();
    for (const c of cleanups.reverse()) await c();
  });

  it('listens on https and says so', () => {
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/, 'the child serves https');
    assert.match(server.output(), /listening on https:\/\//, 'and prints an https URL');
  });

  it('serves the CapabilityStatement with https URLs and HSTS', async () => {
    const res = await tls(`${server.url}/fhir/metadata`);
    assert.equal(res.status, 200, 'metadata over https');
    assert.match(res.headers.get('strict-transport-security') ?? '', HSTS, 'HSTS on the FHIR API');
    const cs = (await res.json()) as { implementation: { url: string }; rest: { security?: { service?: { coding?: { code?: string }[] }[]; extension?: { url: string; extension?: { url: string; valueUri?: string }[] }[] } }[] };
    assert.equal(cs.implementation.url, `${server.url}/fhir`, 'the base is the https URL');
    const security = cs.rest[0]!.security;
    assert.ok(security?.service?.some((s) => s.coding?.some((c) => c.code === 'SMART-on-FHIR')), 'SMART-on-FHIR is declared');
    const uris = security?.extension?.find((e) => e.url === 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris')?.extension ?? [];
    assert.deepEqual(uris.map((u) => u.url).sort(), ['authorize', 'introspect', 'manage', 'revoke', 'token'], 'the oauth-uris extension names every endpoint');
    assert.ok(uris.every((u) => u.valueUri?.startsWith(`${server.url}/`)), `every OAuth URI is https on this server: ${JSON.stringify(uris)}`);
  });

  it('serves SMART discovery with https URLs and HSTS', async () => {
    const res = await tls(`${server.url}/fhir/.well-known/smart-configuration`);
    assert.equal(res.status, 200, 'smart-configuration over https');
    assert.match(res.headers.get('strict-transport-security') ?? '', HSTS, 'HSTS on discovery');
    const conf = (await res.json()) as Record<string, unknown>;
    const urls = Object.entries(conf).filter(([k]) => k === 'issuer' || k.endsWith('_endpoint') || k.endsWith('_uri'));
    assert.ok(urls.length >= 7, 'issuer, endpoints and jwks_uri are listed');
    for (const [k, v] of urls) assert.ok(String(v).startsWith(`${server.url}/`), `${k} is https on this server: ${String(v)}`);
    // Without CONTINUUM_TRUST_PROXY a client's forwarding headers change nothing.
    const spoofed = await tls(`${server.url}/fhir/.well-known/smart-configuration`, { headers: { 'x-forwarded-proto': 'http', 'x-forwarded-host': 'evil.example' } });
    assert.equal(((await spoofed.json()) as { issuer: string }).issuer, `${server.url}/oauth`, 'forwarding headers from a client are not trusted');
  });

  it('sends HSTS on every kind of answer: refusals, OAuth endpoints, sign-in pages, health', async () => {
    for (const [path, status] of [['/fhir/Patient', 401], ['/oauth/jwks', 200], ['/oauth/token', 400], ['/healthz', 200], ['/nowhere', 404]] as const) {
      const res = await tls(`${server.url}${path}`, path === '/oauth/token' ? { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=nonsense' } : {});
      assert.equal(res.status, status, `${path} answers ${status}`);
      assert.match(res.headers.get('strict-transport-security') ?? '', HSTS, `HSTS on ${path}`);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', `nosniff on ${path}`);
    }
  });

  it('signs a user in with Secure, HttpOnly cookies, and the token then works', async () => {
    const cookies: string[] = [];
    const recording: typeof fetch = async (input, init) => {
      const res = await tls(input, init);
      cookies.push(...res.headers.getSetCookie());
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      assert.match(res.headers.get('strict-transport-security') ?? '', HSTS, `HSTS on ${url.split('?')[0]!}`);
      return res;
    };
    const { verifier, challenge } = pkce();
    const flow = await frontChannel(server.url, { clientId: 'tls-app', redirectUri: REDIRECT, scope: 'openid fhirUser user/*.rs', aud: `${server.url}/fhir`, challenge }, { username: 'dr.tls', password: PASSWORD }, { fetch: recording });
    const code = flow.redirect.searchParams.get('code');
    assert.ok(code, `a code comes back: ${flow.redirect.href}`);
    const set = cookies.filter((c) => !/expires=Thu, 01 Jan 1970/i.test(c));
    const names = new Set(set.map((c) => c.slice(0, c.indexOf('='))));
    assert.ok(names.has('_session') && names.has('_interaction'), `the session and sign-in cookies are set: ${[...names].join(', ')}`);
    for (const c of set) {
      assert.match(c, /;\s*secure(;|$)/i, `Secure: ${c.slice(0, c.indexOf('='))}`);
      assert.match(c, /;\s*httponly(;|$)/i, `HttpOnly: ${c.slice(0, c.indexOf('='))}`);
    }
    const tok = await tokenRequest(server.url, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: 'tls-app', code_verifier: verifier }, undefined, tls);
    assert.equal(tok.status, 200, JSON.stringify(tok.json));
    const patients = await tls(`${server.url}/fhir/Patient?_count=1`, { headers: { authorization: `Bearer ${String(tok.json.access_token)}` } });
    assert.equal(patients.status, 200, 'the user’s token reads the FHIR API over https');
  });

  it('does not let a client’s forwarding headers break or redirect the sign-in', async () => {
    const { challenge } = pkce();
    const url = `${server.url}/oauth/auth?${new URLSearchParams({ response_type: 'code', client_id: 'tls-app', redirect_uri: REDIRECT, scope: 'openid', state: 's', aud: `${server.url}/fhir`, code_challenge: challenge, code_challenge_method: 'S256' }).toString()}`;
    const res = await tls(url, { headers: { 'x-forwarded-proto': 'http', 'x-forwarded-host': 'evil.example' } });
    assert.equal(res.status, 303, `the authorization request still redirects to the sign-in: ${res.status}`);
    const location = new URL(res.headers.get('location') ?? '', server.url);
    assert.equal(location.origin, server.url, `to this server: ${location.href}`);
    assert.ok(res.headers.getSetCookie().every((c) => /;\s*secure(;|$)/i.test(c)), 'with Secure cookies');
  });

  it('answers nothing to plain HTTP on the same port', async () => {
    const plain = `${server.url.replace('https://', 'http://')}/fhir/metadata`;
    const res = await fetch(plain, { signal: AbortSignal.timeout(5000) }).then((r) => r.status, (err: unknown) => err);
    assert.ok(res instanceof Error, `plain HTTP must fail, got ${String(res)}`);
    // And the server is still fine afterwards.
    assert.equal((await tls(`${server.url}/healthz`)).status, 200, 'healthy after a plain HTTP attempt');
  });
});
