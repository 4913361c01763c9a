/**
 * SMART App Launch 2.0 and OAuth 2 against a running server, with a scripted client that follows
 * the real login and consent pages: a standalone launch with PKCE by a patient user, which then
 * reads its own record and nothing else; a staff standalone launch with the patient picker; an
 * EHR launch; and the Inferno-style negative checks (PKCE, codes, clients, aud, revocation).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { buildClinic, create, PASSWORD, REDIRECT, type Clinic } from './fixtures.ts';
import { frontChannel, pkce, tokenRequest, type AuthorizeParams } from './oauth-client.ts';

describe('SMART App Launch and OAuth 2', () => {
  let server: TestServer;
  let clinic: Clinic;
  let params: (over?: Partial<AuthorizeParams>) => AuthorizeParams;

  before(async () => {
    server = await startTestServer();
    clinic = await buildClinic(server);
    params = (over = {}) => ({ clientId: clinic.appId, redirectUri: REDIRECT, scope: 'openid fhirUser launch/patient offline_access patient/*.rs', aud: server.base, ...over });
  });
  after(async () => {
    await server?.close();
  });

  const bearer = (token: string) => ({ token });

  it('publishes SMART configuration offering S256 only, without authentication', async () => {
    const res = await fetch(`${server.base}/.well-known/smart-configuration`);
    assert.equal(res.status, 200);
    const cfg = (await res.json()) as Record<string, unknown>;
    assert.deepEqual(cfg.code_challenge_methods_supported, ['S256']);
    assert.ok(!(cfg.code_challenge_methods_supported).includes('plain'), '!(cfg.code_challenge_methods_supported as string[]).includes(\'plain\')');
    for (const k of ['authorization_endpoint', 'token_endpoint', 'introspection_endpoint', 'revocation_endpoint', 'jwks_uri']) {
      assert.match(String(cfg[k]), /^http:\/\/127\.0\.0\.1:\d+\/oauth\//, k);
    }
    for (const c of ['launch-ehr', 'launch-standalone', 'context-standalone-patient', 'permission-v2', 'permission-v1', 'sso-openid-connect', 'client-confidential-asymmetric']) {
      assert.ok((cfg.capabilities as string[]).includes(c), c);
    }
    const jwks = (await (await fetch(String(cfg.jwks_uri))).json()) as { keys: Record<string, unknown>[] };
    assert.ok(jwks.keys.length >= 1, 'jwks.keys.length >= 1');
    assert.ok(jwks.keys.every((k) => k.d === undefined && k.p === undefined), 'the JWKS publishes public keys only');
  });

  it('refuses the FHIR API without a token (401 with WWW-Authenticate) but serves metadata', async () => {
    const res = await server.request('GET', `/Patient/${clinic.patientA}`, { anonymous: true });
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
    assert.equal(res.json.resourceType, 'OperationOutcome');
    const bogus = await server.request('GET', `/Patient/${clinic.patientA}`, { token: 'not-a-real-token' });
    assert.equal(bogus.status, 401);
    assert.match(bogus.headers.get('www-authenticate') ?? '', /invalid_token/);
    const meta = await server.request('GET', '/metadata', { anonymous: true });
    assert.equal(meta.status, 200);
  });

  it('runs a standalone patient launch with PKCE; the app reads its patient and nothing else', async () => {
    const { verifier, challenge } = pkce();
    const flow = await frontChannel(server.origin, params({ challenge }), { username: 'alice', password: PASSWORD });
    assert.equal(flow.redirect.searchParams.get('state'), 'state-123');
    const code = flow.redirect.searchParams.get('code');
    assert.ok(code, flow.redirect.href);
    assert.ok(flow.pages.some((p) => p.includes('Read all kinds of health data of the selected patient')), 'the consent screen lists the access asked for');
    const tok = await tokenRequest(server.origin, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: clinic.appId, code_verifier: verifier });
    assert.equal(tok.status, 200, JSON.stringify(tok.json));
    assert.match(tok.headers.get('cache-control') ?? '', /no-store/);
    assert.equal(tok.json.patient, clinic.patientA);
    assert.equal(tok.json.token_type, 'Bearer');
    assert.ok(String(tok.json.scope).split(' ').includes('patient/*.rs'), 'String(tok.json.scope).split(\' \').includes(\'patient/*.rs\')');
    assert.ok(String(tok.json.scope).split(' ').includes('launch/patient'), 'String(tok.json.scope).split(\' \').includes(\'launch/patient\')');
    assert.ok(tok.json.refresh_token, 'offline_access gives a refresh token');
    const idToken = decodeJwt(String(tok.json.id_token));
    assert.equal(idToken.fhirUser, `${server.base}/Patient/${clinic.patientA}`);
    assert.equal(idToken.aud, clinic.appId);

    const at = String(tok.json.access_token);
    assert.equal((await server.request('GET', `/Patient/${clinic.patientA}`, bearer(at))).status, 200);
    assert.equal((await server.request('GET', `/Observation/${clinic.labA}`, bearer(at))).status, 200);
    // Another patient's data does not exist for this token.
    assert.equal((await server.request('GET', `/Patient/${clinic.patientB}`, bearer(at))).status, 404);
    assert.equal((await server.request('GET', `/Observation/${clinic.obsB}`, bearer(at))).status, 404);
    const search = await server.request('GET', '/Observation?_count=100', bearer(at));
    assert.equal(search.status, 200);
    const ids = (search.json.entry ?? []).map((e: { resource: { id: string } }) => e.resource.id).sort();
    assert.deepEqual(ids, [clinic.labA, clinic.vitalA].sort());
    // _include cannot pull in another patient, and Patient search finds only the patient.
    const patients = await server.request('GET', '/Patient', bearer(at));
    assert.deepEqual((patients.json.entry ?? []).map((e: { resource: { id: string } }) => e.resource.id), [clinic.patientA]);
    const leak = await server.request('GET', `/Observation?subject=Patient/${clinic.patientB}`, bearer(at));
    assert.deepEqual(leak.json.entry ?? [], []);
    // A patient's own restricted record is theirs to see (HIPAA right of access).
    assert.equal((await server.request('GET', `/Condition/${clinic.restrictedA}`, bearer(at))).status, 200);
    // Read-only scopes: no writes.
    const write = await server.request('POST', '/Observation', { ...bearer(at), body: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: `Patient/${clinic.patientA}` } } });
    assert.equal(write.status, 403);

    // Refresh works and keeps the context; the old refresh token is rotated out.
    const refreshed = await tokenRequest(server.origin, { grant_type: 'refresh_token', refresh_token: tok.json.refresh_token as string, client_id: clinic.appId });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.json));
    assert.equal(refreshed.json.patient, clinic.patientA);
    const at2 = String(refreshed.json.access_token);
    assert.equal((await server.request('GET', `/Patient/${clinic.patientA}`, bearer(at2))).status, 200);

    // Introspection (by a confidential client) and revocation.
    const intro = await fetch(`${server.origin}/oauth/token/introspection`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clinic.confidential.id}:${clinic.confidential.secret}`).toString('base64')}` },
      body: new URLSearchParams({ token: at2 }).toString(),
    });
    assert.equal(intro.status, 200);
    assert.deepEqual(await intro.json(), { active: false }, "another app learns nothing about this app's token");
    const own = await fetch(`${server.origin}/oauth/token/introspection`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${server.client.id}:${server.client.secret}`).toString('base64')}` },
      body: new URLSearchParams({ token: server.token }).toString(),
    });
    const ownJson = (await own.json()) as { active: boolean; client_id: string; scope: string; aud: string };
    assert.equal(ownJson.active, true);
    assert.equal(ownJson.client_id, server.client.id);
    assert.equal(ownJson.scope, 'system/*.*');
    assert.equal(ownJson.aud, server.base);
    const revoke = await fetch(`${server.origin}/oauth/token/revocation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: at2, client_id: clinic.appId }).toString(),
    });
    assert.equal(revoke.status, 200);
    const after = await server.request('GET', `/Patient/${clinic.patientA}`, bearer(at2));
    assert.equal(after.status, 401, 'a revoked token is refused at once');
  });

  it('lets staff pick the patient in a standalone launch, and gives an EHR launch its context', async () => {
    const { verifier, challenge } = pkce();
    // A patient whose whole record is restricted (R): the picker must not list it to a physician without that right.
    const hidden = await create(server, { resourceType: 'Patient', meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }] }, name: [{ family: 'Pickerhidden', given: ['Vip'] }] });
    const flow = await frontChannel(server.origin, params({ challenge }), { username: 'dr.okafor', password: PASSWORD }, { patient: clinic.patientB });
    assert.ok(flow.pages.some((p) => p.includes('name="patient"') && p.includes(clinic.patientA) && p.includes(clinic.patientB)), 'a patient picker lists the patients');
    assert.ok(!flow.pages.some((p) => p.includes(hidden) || p.includes('Pickerhidden')), 'the picker lists no patient the user may not read');
    const tok = await tokenRequest(server.origin, { grant_type: 'authorization_code', code: flow.redirect.searchParams.get('code')!, redirect_uri: REDIRECT, client_id: clinic.appId, code_verifier: verifier });
    assert.equal(tok.status, 200, JSON.stringify(tok.json));
    assert.equal(tok.json.patient, clinic.patientB);
    const at = String(tok.json.access_token);
    assert.equal((await server.request('GET', `/Observation/${clinic.obsB}`, { token: at })).status, 200);
    assert.equal((await server.request('GET', `/Observation/${clinic.labA}`, { token: at })).status, 404, 'patient/ scopes stay inside the picked patient');

    // EHR launch: the EHR (this user's session) asks for a launch value for patient A.
    const userToken = at;
    const launchRes = await fetch(`${server.origin}/auth/launch`, { method: 'POST', headers: { authorization: `Bearer ${userToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ patient: clinic.patientA }) });
    assert.equal(launchRes.status, 201);
    const { launch } = (await launchRes.json()) as { launch: string };
    const p2 = pkce();
    const flow2 = await frontChannel(server.origin, params({ challenge: p2.challenge, launch, scope: 'openid fhirUser launch patient/*.rs' }), { username: 'dr.okafor', password: PASSWORD });
    const tok2 = await tokenRequest(server.origin, { grant_type: 'authorization_code', code: flow2.redirect.searchParams.get('code')!, redirect_uri: REDIRECT, client_id: clinic.appId, code_verifier: p2.verifier });
    assert.equal(tok2.status, 200, JSON.stringify(tok2.json));
    assert.equal(tok2.json.patient, clinic.patientA);
    assert.equal(tok2.json.need_patient_banner, false, 'the EHR already shows the patient');
  });

  it('rejects what Inferno rejects: PKCE, codes, clients and audiences', async () => {
    // plain PKCE, and no PKCE at all, are refused at the authorization endpoint.
    const plain = await fetch(
      `${server.origin}/oauth/auth?${new URLSearchParams({ response_type: 'code', client_id: clinic.appId, redirect_uri: REDIRECT, scope: 'openid patient/*.rs', state: 's', aud: server.base, code_challenge: 'x'.repeat(43), code_challenge_method: 'plain' }).toString()}`,
      { redirect: 'manual' },
    );
    assert.match(plain.headers.get('location') ?? '', /error=invalid_request/);
    const none = await fetch(`${server.origin}/oauth/auth?${new URLSearchParams({ response_type: 'code', client_id: clinic.appId, redirect_uri: REDIRECT, scope: 'openid patient/*.rs', state: 's', aud: server.base }).toString()}`, { redirect: 'manual' });
    assert.match(none.headers.get('location') ?? '', /error=invalid_request/);
    // A bad aud is refused.
    const badAud = await fetch(
      `${server.origin}/oauth/auth?${new URLSearchParams({ response_type: 'code', client_id: clinic.appId, redirect_uri: REDIRECT, scope: 'openid patient/*.rs', state: 's', aud: 'https://evil.example/fhir', code_challenge: pkce().challenge, code_challenge_method: 'S256' }).toString()}`,
      { redirect: 'manual' },
    );
    assert.match(badAud.headers.get('location') ?? '', /error=invalid_request/);
    // An unknown client never gets a redirect.
    const badClient = await fetch(`${server.origin}/oauth/auth?${new URLSearchParams({ response_type: 'code', client_id: 'nobody', redirect_uri: REDIRECT, scope: 'openid', state: 's' }).toString()}`, { redirect: 'manual' });
    assert.equal(badClient.status, 400);

    const { verifier, challenge } = pkce();
    const flow = await frontChannel(server.origin, params({ challenge }), { username: 'alice', password: PASSWORD });
    const code = flow.redirect.searchParams.get('code')!;
    const exchange = (over: Record<string, string>) => tokenRequest(server.origin, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: clinic.appId, code_verifier: verifier, ...over });
    const wrongVerifier = await exchange({ code_verifier: pkce().verifier });
    assert.equal(wrongVerifier.status, 400);
    assert.equal(wrongVerifier.json.error, 'invalid_grant');
    const noVerifier = await tokenRequest(server.origin, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: clinic.appId });
    assert.equal(noVerifier.status, 400);
    const invalidCode = await exchange({ code: 'not-a-code' });
    assert.equal(invalidCode.json.error, 'invalid_grant');
    const invalidClient = await exchange({ client_id: 'nobody' });
    assert.equal(invalidClient.json.error, 'invalid_client');
    assert.ok(invalidClient.status === 400 || invalidClient.status === 401, 'invalidClient.status === 400 || invalidClient.status === 401');
    // Failed exchanges do not spend the code; the right verifier then gets the tokens, once.
    const good = await exchange({});
    assert.equal(good.status, 200, JSON.stringify(good.json));
    const reused = await exchange({});
    assert.equal(reused.status, 400);
    assert.equal(reused.json.error, 'invalid_grant');
    // Reusing a code revokes what it issued (RFC 6749 §4.1.2).
    const res = await server.request('GET', `/Patient/${clinic.patientA}`, { token: good.json.access_token as string });
    assert.equal(res.status, 401);
  });

  it('denies nothing silently: a user who refuses consent sends the app access_denied', async () => {
    const { challenge } = pkce();
    const flow = await frontChannel(server.origin, params({ challenge }), { username: 'alice', password: PASSWORD }, { deny: true });
    assert.equal(flow.redirect.searchParams.get('error'), 'access_denied');
    assert.equal(flow.redirect.searchParams.get('code'), null);
  });

  it('issues system tokens by client_credentials only to authenticated clients', async () => {
    const wrongSecret = await tokenRequest(server.origin, { grant_type: 'client_credentials', scope: 'system/*.rs' }, { id: server.client.id, secret: 'wrong-secret-wrong-secret-wrong' });
    assert.equal(wrongSecret.status, 401);
    const ok = await tokenRequest(server.origin, { grant_type: 'client_credentials', scope: 'system/Patient.rs' }, server.client);
    assert.equal(ok.status, 200);
    assert.equal(ok.json.scope, 'system/Patient.rs');
    assert.match(ok.headers.get('cache-control') ?? '', /no-store/);
    const token = String(ok.json.access_token);
    assert.equal((await server.request('GET', `/Patient/${clinic.patientA}`, { token })).status, 200);
    assert.equal((await server.request('GET', `/Observation/${clinic.labA}`, { token })).status, 403, 'system/Patient.rs does not reach Observation');
    // A public app cannot use client_credentials.
    const pub = await tokenRequest(server.origin, { grant_type: 'client_credentials', client_id: clinic.appId, scope: 'system/*.rs' });
    assert.ok(pub.status === 400 || pub.status === 401, 'pub.status === 400 || pub.status === 401');
  });
});

describe('automatic logoff after inactivity', () => {
  let server: TestServer;
  let clinic: Clinic;
  before(async () => {
    // 0.02 minutes: 1.2 s without a request ends the session. A looked-up token is trusted for
    // 0.2 s only, so the sign-in session behind it is checked while the user stays active.
    server = await startTestServer({ CONTINUUM_IDLE_MINUTES: '0.02', CONTINUUM_TOKEN_CACHE_SECONDS: '0.2' });
    clinic = await buildClinic(server);
  });
  after(async () => {
    await server?.close();
  });

  it('keeps an active user signed in, and ends the session after the idle time', async () => {
    const { userToken } = await import('./fixtures.ts');
    const token = await userToken(server, clinic, 'dr.okafor');
    // Active for 5 s, more than twice the sign-in session's lifetime when it was saved (2 s): a
    // busy user's session is kept alive by their requests, not ended one idle time after sign-in.
    const activeUntil = Date.now() + 5000;
    for (let i = 0; Date.now() < activeUntil; i++) {
      assert.equal((await server.request('GET', `/Patient/${clinic.patientA}`, { token })).status, 200, `request ${i} while active`);
      await new Promise((r) => setTimeout(r, 400));
    }
    await new Promise((r) => setTimeout(r, 1600));
    const idle = await server.request('GET', `/Patient/${clinic.patientA}`, { token });
    assert.equal(idle.status, 401, 'logged off after inactivity');
    assert.equal((await server.request('GET', `/Patient/${clinic.patientA}`, { token })).status, 401, 'and stays logged off');
    // System clients are not users: no inactivity limit.
    assert.equal((await server.request('GET', `/Patient/${clinic.patientA}`)).status, 200);
  });
});
