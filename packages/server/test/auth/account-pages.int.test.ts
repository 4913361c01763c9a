/**
 * The account pages and the attacks on them: brute force ends in a lockout; an MFA code is
 * accepted once; a one-time reset link sets a password once (and a refused password does not
 * spend it); signing out is audited. All through the real pages, with a cookie jar.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuditTrail } from '../../src/audit/audit-trail.ts';
import { MfaService } from '../../src/identity/mfa.ts';
import { PasswordResetService } from '../../src/identity/password-reset.ts';
import { totpCode } from '../../src/identity/totp.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { buildClinic, PASSWORD, REDIRECT, type Clinic } from './fixtures.ts';
import { authorizeUrl, CookieJar, frontChannel, pkce, step } from './oauth-client.ts';

describe('login, lockout, MFA, password reset and logout pages', () => {
  let server: TestServer;
  let clinic: Clinic;
  let trail: AuditTrail;
  const params = (): Parameters<typeof frontChannel>[1] => ({ clientId: clinic.appId, redirectUri: REDIRECT, scope: 'openid fhirUser user/*.rs', aud: server.base, challenge: pkce().challenge });

  before(async () => {
    server = await startTestServer();
    clinic = await buildClinic(server);
    trail = new AuditTrail(server.database.db);
  });
  after(async () => {
    await server?.close();
  });

  it('locks an account after repeated wrong passwords, even against the right one', async () => {
    for (let i = 0; i < 5; i++) {
      await assert.rejects(frontChannel(server.origin, params(), { username: 'nurse.lee', password: `wrong-guess-${i}-xyz` }), /login refused/);
    }
    await assert.rejects(frontChannel(server.origin, params(), { username: 'nurse.lee', password: PASSWORD }), /locked|wrong/, 'the right password is refused while locked');
    const failures = await trail.search({ tenant: 'default', user: 'nurse.lee', action: 'login-failed' });
    assert.ok(failures.length >= 6, `${failures.length} failed logins audited`);
    assert.ok(failures.every((f) => f.outcome === 'failure' && f.sourceIp !== null), 'each failure has its outcome and source');
  });

  it('accepts an MFA code once: a replayed code is refused', async () => {
    const mfa = new MfaService(server.database.db, server.server.auth!.secrets);
    const enrolment = await mfa.begin('default', 'dr.okafor');
    // Confirm with the previous step's code, so the current one is still unused for the login.
    await mfa.confirm('default', 'dr.okafor', await totpCode(enrolment.secret, new Date(Date.now() - 30_000)));
    await assert.rejects(frontChannel(server.origin, params(), { username: 'dr.okafor', password: PASSWORD }), /login refused: Enter the code/, 'the password alone is not enough');
    const code = await totpCode(enrolment.secret, new Date());
    const ok = await frontChannel(server.origin, params(), { username: 'dr.okafor', password: PASSWORD, otp: code });
    assert.ok(ok.redirect.searchParams.get('code'), 'password and code sign in');
    await assert.rejects(frontChannel(server.origin, params(), { username: 'dr.okafor', password: PASSWORD, otp: code }), /not valid/, 'the same code again is refused');
  });

  it('sets a new password from a one-time link, once; a refused password does not spend it', async () => {
    const { token } = await new PasswordResetService(server.database.db).issue('default', 'desk.kim');
    const form = await fetch(`${server.origin}/auth/reset?token=${encodeURIComponent(token)}`);
    assert.equal(form.status, 200);
    assert.match(await form.text(), /Choose a new password/);
    const post = (password: string, confirm = password) =>
      fetch(`${server.origin}/auth/reset`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token, password, confirm }).toString() });
    assert.equal((await post('Another-Good-Pass-42', 'Different-Pass-42')).status, 400);
    const weak = await post('password');
    assert.equal(weak.status, 400);
    assert.match(await weak.text(), /Not changed/);
    const good = await post('Another-Good-Pass-42');
    assert.equal(good.status, 200, await good.clone().text());
    assert.equal((await post('Yet-Another-Pass-43')).status, 400, 'the link works once');
    const flow = await frontChannel(server.origin, params(), { username: 'desk.kim', password: 'Another-Good-Pass-42' });
    assert.ok(flow.redirect.searchParams.get('code'), 'the new password signs in');
    await assert.rejects(frontChannel(server.origin, params(), { username: 'desk.kim', password: PASSWORD }), /login refused/, 'the old one does not');
  });

  it('enrols an admin who has no authenticator yet at sign-in (QR code, first code, recovery codes), then signs in', async () => {
    const { AccountService } = await import('../../src/identity/accounts.ts');
    await new AccountService(server.database.db).create({ tenantId: 'default', username: 'admin.new', kind: 'staff', roles: ['admin'], fhirUser: `Practitioner/${clinic.practitioner}`, organization: `Organization/${clinic.organization}`, password: PASSWORD });
    const jar = new CookieJar();
    let res = await step(jar, authorizeUrl(server.origin, params()));
    for (let i = 0; i < 10 && (res.status === 302 || res.status === 303); i++) res = await step(jar, new URL(res.headers.get('location')!, server.origin).href);
    let html = await res.text();
    const csrf = /name="csrf" value="([^"]*)"/.exec(html)![1]!;
    res = await step(jar, new URL(/action="([^"]*\/login)"/.exec(html)![1]!, server.origin).href, { csrf, username: 'admin.new', password: PASSWORD, otp: '' });
    html = await res.text();
    assert.match(html, /Set up two-step sign-in/);
    assert.match(html, /<img src="data:image\/png;base64,/, 'a QR code to scan');
    const field = (name: string): string => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)![1]!;
    const secret = field('secret');
    const enrol = new URL(/action="([^"]*\/enrol)"/.exec(html)![1]!, server.origin).href;
    const form = { csrf, account: field('account'), proof: field('proof'), qr: field('qr'), secret };
    const wrong = await step(jar, enrol, { ...form, otp: '000000' });
    assert.equal(wrong.status, 400, 'a wrong first code does not turn MFA on');
    const forged = await step(jar, enrol, { ...form, proof: 'x'.repeat(43), otp: await totpCode(secret, new Date()) });
    assert.equal(forged.status, 403, 'the enrolment form cannot be posted without a checked password');
    res = await step(jar, enrol, { ...form, otp: await totpCode(secret, new Date()) });
    html = await res.text();
    assert.equal(res.status, 200, html.slice(0, 300));
    assert.match(html, /recovery codes/i);
    assert.equal((html.match(/<li><code>/g) ?? []).length, 10, 'ten recovery codes, shown once');
    res = await step(jar, new URL(/action="([^"]*\/continue)"/.exec(html)![1]!, server.origin).href, { csrf, account: form.account, proof: form.proof });
    assert.equal(res.status, 303);
    for (let i = 0; i < 10 && (res.status === 302 || res.status === 303); i++) res = await step(jar, new URL(res.headers.get('location')!, server.origin).href);
    assert.match(await res.text(), /Allow Growth Chart/, 'signed in: the consent page follows');
    const enrolled = await trail.search({ tenant: 'default', user: 'admin.new', action: 'permission-change' });
    assert.equal(enrolled.length, 1);
    assert.equal(enrolled[0]!.detail, 'MFA enrolled at sign-in');
  });

  it('signs out at the end-session endpoint, and audits it', async () => {
    const jar = new CookieJar();
    // Sign in with this jar: the session cookie is what logout ends.
    let res = await step(jar, authorizeUrl(server.origin, params()));
    for (let i = 0; i < 10 && (res.status === 302 || res.status === 303); i++) res = await step(jar, new URL(res.headers.get('location')!, server.origin).href);
    const html = await res.text();
    const csrf = /name="csrf" value="([^"]*)"/.exec(html)![1]!;
    const action = /action="([^"]*\/login)"/.exec(html)![1]!;
    res = await step(jar, new URL(action, server.origin).href, { csrf, username: 'bill.ng', password: PASSWORD, otp: '' });
    assert.equal(res.status, 303);
    // Resuming the authorization stores the signed-in session (then the consent page shows).
    for (let i = 0; i < 10 && (res.status === 302 || res.status === 303); i++) res = await step(jar, new URL(res.headers.get('location')!, server.origin).href);
    assert.match(await res.text(), /Allow Growth Chart/);
    const end = await step(jar, `${server.origin}/oauth/session/end`);
    assert.equal(end.status, 200);
    const page = await end.text();
    const xsrf = /name="xsrf" value="([^"]*)"/.exec(page)?.[1];
    assert.ok(xsrf, 'the sign-out page asks for confirmation');
    // A client's X-Forwarded-For is not trusted (CONTINUUM_TRUST_PROXY is off): the audit keeps the real address.
    const confirm = await fetch(`${server.origin}/oauth/session/end/confirm`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '203.0.113.9' },
      body: new URLSearchParams({ xsrf, logout: 'yes' }).toString(),
    });
    // Without a post-logout redirect, the server sends the browser to its own "signed out" page.
    assert.equal(confirm.status, 303);
    assert.match(confirm.headers.get('location') ?? '', /\/oauth\/session\/end\/success/);
    const logouts = await trail.search({ tenant: 'default', user: 'bill.ng', action: 'logout' });
    assert.equal(logouts.length, 1);
    assert.equal(logouts[0]!.outcome, 'success');
    assert.match(logouts[0]!.sourceIp ?? '', /127\.0\.0\.1/, `the logout is audited from the real address, not a forwarded one: ${logouts[0]!.sourceIp ?? ''}`);
  });
});
