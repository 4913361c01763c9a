/**
 * "Forgot your password?" through the real pages, with mail written to .eml files: the sign-in
 * page links to it; a username or email address gets a one-time link by mail that sets a new
 * password once; the answer is identical for unknown, mail-less and disabled accounts (which get
 * nothing); the form needs its CSRF token; a forged Host header cannot redirect the link; links
 * are limited per identifier (silently) and requests per address (429); every outcome is in the
 * audit trail. Without CONTINUUM_BASE_URL a real mail transport turns the page off.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AuditTrail } from '../../src/audit/audit-trail.ts';
import { AccountService } from '../../src/identity/accounts.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { buildClinic, PASSWORD, REDIRECT, type Clinic } from './fixtures.ts';
import { emlFiles, readEml } from './mail-peer.ts';
import { authorizeUrl, CookieJar, frontChannel, pkce, step } from './oauth-client.ts';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

const NEW_PASSWORD = 'Harbour-lantern-copper-77';

describe('forgot password, with links mailed as .eml files', () => {
  let server: TestServer;
  let clinic: Clinic;
  let trail: AuditTrail;
  let base: string;
  const mailDir = mkdtempSync(join(tmpdir(), 'continuum-forgot-'));
  const spool = join(mailDir, 'out');
  let seen = 0;
  /** The messages written since the last call. */
  const newMail = () => {
    const files = emlFiles(spool);
    const fresh = files.slice(seen);
    seen = files.length;
    return fresh.map(readEml);
  };
  const settled = () => server.server.auth!.server.resets.settled();
  const params = () => ({ clientId: clinic.appId, redirectUri: REDIRECT, scope: 'openid fhirUser user/*.rs', aud: server.base, challenge: pkce().challenge });

  before(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = await startTestServer({ PORT: String(port), CONTINUUM_BASE_URL: base, CONTINUUM_MAIL: `file:${spool}` });
    clinic = await buildClinic(server);
    trail = new AuditTrail(server.database.db);
    const accounts = new AccountService(server.database.db);
    await accounts.setEmail('default', 'desk.kim', 'Kim.Desk@clinic.example');
    await accounts.setEmail('default', 'nurse.lee', 'nurse.lee@clinic.example');
    await accounts.setEmail('default', 'bill.ng', 'bill.ng@clinic.example');
    await accounts.disable('default', 'bill.ng');
    await accounts.setEmail('default', 'alice', 'alice@example.org');
    // A parent's proxy account shares the address of her own portal account.
    await accounts.create({ tenantId: 'default', username: 'alice.proxy', kind: 'proxy', fhirUser: 'RelatedPerson/rp-1', email: 'alice@example.org', password: PASSWORD });
  });
  after(async () => {
    await server?.close();
    rmSync(mailDir, { recursive: true, force: true });
  });

  /** Opens the forgot page in a fresh browser (cookie jar) and sends the form. */
  async function ask(identifier: string, jar = new CookieJar()): Promise<{ status: number; text: string; contentType: string | null }> {
    const form = await step(jar, `${server.origin}/auth/forgot`);
    assert.equal(form.status, 200);
    const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())![1]!;
    const res = await step(jar, `${server.origin}/auth/forgot`, { csrf, identifier });
    return { status: res.status, text: await res.text(), contentType: res.headers.get('content-type') };
  }

  const linkIn = (text: string): string => {
    const m = /^(http\S+\/auth\/reset\?token=[A-Za-z0-9_-]{43})$/m.exec(text);
    assert.ok(m, `a reset link in: ${text}`);
    return m[1]!;
  };

  it('is linked from the sign-in page, and links back to it', async () => {
    const jar = new CookieJar();
    let res = await step(jar, authorizeUrl(server.origin, params()));
    for (let i = 0; i < 10 && (res.status === 302 || res.status === 303); i++) res = await step(jar, new URL(res.headers.get('location')!, server.origin).href);
    const login = await res.text();
    const href = /<a href="(\/auth\/forgot\?uid=[^"]+)">Forgot your password\?<\/a>/.exec(login)?.[1];
    assert.ok(href, 'the sign-in page offers the link');
    const forgot = await step(jar, new URL(href, server.origin).href);
    const html = await forgot.text();
    assert.equal(forgot.status, 200);
    assert.match(html, /<h1>Forgot your password\?<\/h1>/);
    assert.match(forgot.headers.get('set-cookie') ?? '', /^continuum_forgot=[A-Za-z0-9_-]{22}; Path=\/auth\/forgot; HttpOnly; SameSite=Strict/);
    const uid = new URL(href, server.origin).searchParams.get('uid')!;
    assert.ok(html.includes(`href="/auth/interaction/${uid}">Back to sign in`), 'and links back to the sign-in');
  });

  it('mails a one-time link for a username, which sets a new password once', async () => {
    const answer = await ask('desk.kim');
    assert.equal(answer.status, 200);
    assert.match(answer.text, /Check your email/);
    await settled();
    const mail = newMail();
    assert.equal(mail.length, 1);
    assert.equal(mail[0]!.header('to'), 'Kim.Desk@clinic.example');
    assert.equal(mail[0]!.header('subject'), 'Reset your Continuum password');
    const link = linkIn(mail[0]!.text);
    assert.ok(link.startsWith(`${base}/auth/reset?token=`), link);
    const page = await fetch(link);
    assert.match(await page.text(), /Choose a new password/);
    const token = new URL(link).searchParams.get('token')!;
    const post = () => fetch(`${server.origin}/auth/reset`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token, password: NEW_PASSWORD, confirm: NEW_PASSWORD }).toString() });
    assert.equal((await post()).status, 200);
    assert.equal((await post()).status, 400, 'the link works once');
    const flow = await frontChannel(server.origin, params(), { username: 'desk.kim', password: NEW_PASSWORD });
    assert.ok(flow.redirect.searchParams.get('code'), 'the new password signs in');
    const audited = (await trail.search({ tenant: 'default', user: 'desk.kim', action: 'permission-change' })).filter((a) => /password/.test(a.detail ?? ''));
    assert.deepEqual(audited.map((a) => [a.outcome, a.detail]).reverse(), [
      ['success', 'password reset link mailed (forgot-password page)'],
      ['success', 'password reset by one-time link'],
    ]);
    assert.ok(audited.every((a) => a.sourceIp !== null && a.priority === 'high'), 'with the source address, at high priority');
  });

  it('finds accounts by email address in any case; an address with two accounts gets a link for each', async () => {
    assert.equal((await ask('ALICE@Example.ORG')).status, 200);
    await settled();
    const mail = newMail();
    assert.equal(mail.length, 2);
    assert.deepEqual(mail.map((m) => m.header('to')), ['alice@example.org', 'alice@example.org']);
    assert.deepEqual(mail.map((m) => /account "([^"]+)"/.exec(m.text)?.[1]).sort(), ['alice', 'alice.proxy']);
    assert.notEqual(linkIn(mail[0]!.text), linkIn(mail[1]!.text), 'each its own token');
  });

  it('answers alike for an unknown name, an account without an address and a disabled one, and sends them nothing', async () => {
    const known = await ask('nurse.lee');
    await settled();
    assert.equal(newMail().length, 1, 'the known account got its link');
    for (const identifier of ['no.such.user', 'nobody@clinic.example', 'dr.okafor', 'bill.ng']) {
      const other = await ask(identifier);
      assert.deepEqual(other, known, `the same status, type and page for '${identifier}'`);
    }
    await settled();
    assert.equal(newMail().length, 0, 'nothing was sent');
    const entry = async (user: string) => (await trail.search({ tenant: 'default', user, action: 'permission-change' }))[0];
    assert.equal((await entry('no.such.user'))?.detail, 'password reset link requested for no known user name or email');
    assert.equal((await entry('dr.okafor'))?.detail, 'password reset link not sent: the account has no email address');
    assert.equal((await entry('bill.ng'))?.detail, 'password reset link not sent: the account is disabled');
  });

  it('points the link at CONTINUUM_BASE_URL whatever Host header the request carries', async () => {
    const jar = new CookieJar();
    const form = await step(jar, `${server.origin}/auth/forgot`);
    const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())![1]!;
    const body = new URLSearchParams({ csrf, identifier: 'alice' }).toString();
    const { port } = new URL(server.origin);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/auth/forgot', method: 'POST', headers: { host: 'evil.example', cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });
    assert.equal(status, 200);
    await settled();
    const mail = newMail();
    assert.equal(mail.length, 1);
    assert.ok(linkIn(mail[0]!.text).startsWith(`${base}/auth/reset?token=`), 'not at evil.example');
  });

  it('refuses a form not sent from its own page (CSRF)', async () => {
    const post = (form: Record<string, string>, cookie?: string) =>
      fetch(`${server.origin}/auth/forgot`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) }, body: new URLSearchParams(form).toString() });
    const jar = new CookieJar();
    const page = await step(jar, `${server.origin}/auth/forgot`);
    const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    assert.equal((await post({ identifier: 'nurse.lee' })).status, 403, 'no token, no cookie');
    assert.equal((await post({ csrf, identifier: 'nurse.lee' })).status, 403, 'a token without its cookie');
    assert.equal((await post({ identifier: 'nurse.lee' }, jar.header())).status, 403, 'the cookie without the token');
    assert.equal((await post({ csrf: csrf.slice(0, -2) + 'xx', identifier: 'nurse.lee' }, jar.header())).status, 403, 'a forged token');
    assert.equal((await post({ csrf, identifier: 'nurse.lee' }, 'continuum_forgot=AAAAAAAAAAAAAAAAAAAAAA')).status, 403, 'a token for another cookie');
    await settled();
    assert.equal(newMail().length, 0);
  });

  it('answers bad input with a 4xx page, never a 500', async () => {
    for (const identifier of ['', '   ', 'x'.repeat(255), 'nurse\u0000lee']) {
      const res = await ask(identifier);
      assert.equal(res.status, 400, JSON.stringify(identifier));
      assert.match(res.text, /Enter your user name or email address/);
    }
    const raw = (body: string, type: string) => fetch(`${server.origin}/auth/forgot`, { method: 'POST', headers: { 'content-type': type }, body });
    assert.equal((await raw('{"identifier":', 'application/json')).status, 400);
    assert.equal((await raw('{"identifier":["a"]}', 'application/json')).status, 403);
    assert.equal((await raw('junk', 'text/plain')).status, 415);
    assert.equal((await fetch(`${server.origin}/auth/forgot?uid=%3Cscript%3E`)).status, 200, 'an odd uid is ignored');
    assert.ok(!(await (await fetch(`${server.origin}/auth/forgot?uid=%3Cscript%3E`)).text()).includes('<script>'));
    await settled();
    assert.equal(newMail().length, 0);
  });

  it('mails a few links per identifier, then none (silently), and answers 429 to an address that keeps asking', async () => {
    const answers: { status: number; text: string }[] = [];
    // nurse.lee had one link above; two more are allowed at once, the rest are dropped.
    for (let i = 0; i < 4; i++) answers.push(await ask('Nurse.Lee'));
    assert.ok(answers.every((a) => a.status === 200 && a.text === answers[0]!.text), 'every request gets the same answer');
    await settled();
    assert.equal(newMail().length, 2);
    const denied = (await trail.search({ tenant: 'default', user: 'Nurse.Lee', action: 'permission-change' })).filter((d) => d.outcome === 'denied');
    assert.equal(denied.length, 2);
    assert.ok(denied.every((d) => d.detail === 'password reset link not sent: too many requests for this user name or email'), 'the dropped ones are audited');
    let status = 200;
    for (let i = 0; i < 40 && status !== 429; i++) status = (await ask(`someone${i}@example.org`)).status;
    assert.equal(status, 429, 'the address is slowed down');
    await settled();
  });
});

describe('forgot password without CONTINUUM_BASE_URL and a real mail transport', () => {
  let server: TestServer;
  const mailDir = mkdtempSync(join(tmpdir(), 'continuum-forgot-'));
  before(async () => {
    server = await startTestServer({ CONTINUUM_MAIL: `file:${mailDir}` });
  });
  after(async () => {
    await server?.close();
    rmSync(mailDir, { recursive: true, force: true });
  });

  it('is not offered: a link built from the Host header could point anywhere', async () => {
    const clinic = await buildClinic(server);
    const jar = new CookieJar();
    let res = await step(jar, authorizeUrl(server.origin, { clientId: clinic.appId, redirectUri: REDIRECT, scope: 'openid fhirUser user/*.rs', aud: server.base, challenge: pkce().challenge }));
    for (let i = 0; i < 10 && (res.status === 302 || res.status === 303); i++) res = await step(jar, new URL(res.headers.get('location')!, server.origin).href);
    const login = await res.text();
    assert.match(login, /<h1>Sign in<\/h1>/);
    assert.ok(!login.includes('/auth/forgot'), 'no link on the sign-in page');
    assert.equal((await fetch(`${server.origin}/auth/forgot`)).status, 404);
    const post = await fetch(`${server.origin}/auth/forgot`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'identifier=alice' });
    assert.equal(post.status, 404);
    assert.equal(emlFiles(mailDir).length, 0);
  });
});
