/**
 * Portal accounts over real HTTP, with mail written to .eml files: staff invite a patient (and a
 * proxy) with `$portal-invite`; the mailed one-time link opens the activation page, which creates
 * the account; the new user signs in through the portal's own client (PKCE) and reads their own
 * record and nothing else. Also: who may invite (401/403/404), bad input (400), a second
 * invitation voiding the first, used/expired/unknown links (410/404), 409 for an active account,
 * staff refused by the portal (a fresh sign-in and a staff session alike), connected apps listed
 * and revoked (the app's next call is a 401), and the patient's access log.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AuditEvent, Bundle } from '@medplum/fhirtypes';
import { InvitationService } from '../../src/identity/invitations.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { buildClinic, create, PASSWORD, userToken, type Clinic } from '../auth/fixtures.ts';
import { emlFiles, readEml } from '../auth/mail-peer.ts';
import { authorizeUrl, CookieJar, pkce, step } from '../auth/oauth-client.ts';
import { activate, linkIn } from './activation.ts';
import { PORTAL_CLIENT, PORTAL_SCOPE, portalFrontChannel, portalRedirect, portalSignIn } from './portal-login.ts';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

const NEW_PASSWORD = 'Meadow-Lantern-Copper-58';
const invite = (email?: string, relatedPerson?: string) => ({
  resourceType: 'Parameters',
  parameter: [...(email ? [{ name: 'email', valueString: email }] : []), ...(relatedPerson ? [{ name: 'relatedPerson', valueReference: { reference: relatedPerson } }] : [])],
});

describe('portal accounts: invitation, activation, portal sign-in, connected apps, access log', () => {
  let server: TestServer;
  let clinic: Clinic;
  let patientC: string;
  let proxyRp: string;
  let desk: string;
  const mailDir = mkdtempSync(join(tmpdir(), 'continuum-invite-'));
  let seen = 0;
  const newMail = () => {
    const files = emlFiles(mailDir);
    const fresh = files.slice(seen);
    seen = files.length;
    return fresh.map(readEml);
  };
  before(async () => {
    const port = await freePort();
    server = await startTestServer({ PORT: String(port), CONTINUUM_BASE_URL: `http://127.0.0.1:${port}`, CONTINUUM_MAIL: `file:${mailDir}` });
    clinic = await buildClinic(server);
    patientC = await create(server, { resourceType: 'Patient', name: [{ family: 'Newcomer', given: ['Cara'] }], birthDate: '2015-04-05', telecom: [{ system: 'email', value: 'cara.newcomer@example.org' }] });
    proxyRp = await create(server, { resourceType: 'RelatedPerson', patient: { reference: `Patient/${patientC}` }, name: [{ family: 'Newcomer', given: ['Dana'] }], telecom: [{ system: 'email', value: 'dana.newcomer@example.org' }] });
    desk = await userToken(server, clinic, 'desk.kim', 'openid fhirUser user/*.cruds');
  });
  after(async () => {
    await server?.close();
    rmSync(mailDir, { recursive: true, force: true });
  });

  it('lets only front-desk, nurses, physicians and admins invite, and only to patients they can see', async () => {
    const path = `/Patient/${patientC}/$portal-invite`;
    const anonymous = await server.request('POST', path, { anonymous: true, body: invite() });
    assert.equal(anonymous.status, 401);
    const biller = await userToken(server, clinic, 'bill.ng', 'openid fhirUser user/*.cruds');
    assert.equal((await server.request('POST', path, { token: biller, body: invite() })).status, 403);
    const alice = await userToken(server, clinic, 'alice', 'openid fhirUser patient/*.rs');
    const own = await server.request('POST', `/Patient/${clinic.patientA}/$portal-invite`, { token: alice, body: invite('x@example.org') });
    assert.equal(own.status, 403, 'a patient cannot invite, even to their own record');
    assert.equal((await server.request('POST', `/Patient/${clinic.patientB}/$portal-invite`, { token: alice, body: invite('x@example.org') })).status, 404, "another patient's record is not known");
    assert.equal((await server.request('POST', '/Patient/no-such-patient/$portal-invite', { token: desk, body: invite('x@example.org') })).status, 404);
    assert.deepEqual(newMail(), [], 'nothing was sent');
  });

  it('refuses bad input with a 400 and sends nothing', async () => {
    const to = (id: string, body: unknown) => server.request('POST', `/Patient/${id}/$portal-invite`, { token: desk, body });
    const noEmail = await to(clinic.patientB, invite());
    assert.equal(noEmail.status, 400);
    assert.match(noEmail.json.issue[0].diagnostics, /no email address/);
    assert.equal((await to(patientC, invite('not an address'))).status, 400);
    assert.equal((await to(patientC, { resourceType: 'Patient' })).status, 400);
    assert.equal((await to(patientC, { resourceType: 'Parameters', parameter: [{ name: 'colour', valueString: 'blue' }] })).status, 400);
    const otherRp = await create(server, { resourceType: 'RelatedPerson', patient: { reference: `Patient/${clinic.patientB}` }, telecom: [{ system: 'email', value: 'b.parent@example.org' }] });
    const wrongProxy = await to(patientC, invite(undefined, `RelatedPerson/${otherRp}`));
    assert.equal(wrongProxy.status, 400, "another patient's related person");
    assert.deepEqual(newMail(), []);
  });

  it('mails a one-time link; a new invitation voids the earlier one; activation creates the account once', async () => {
    const first = await server.request('POST', `/Patient/${patientC}/$portal-invite`, { token: desk, body: invite() });
    assert.equal(first.status, 200, first.text);
    const out = new Map<string, { valueInstant?: string; valueString?: string }>(first.json.parameter.map((p: { name: string }) => [p.name, p]));
    assert.equal(out.get('sentTo')?.valueString, 'c***@example.org');
    const days = (Date.parse(out.get('expires')!.valueInstant!) - Date.now()) / 86_400_000;
    assert.ok(days > 6.99 && days <= 7, `expires in 7 days (${days})`);
    const [mail1] = newMail();
    assert.equal(mail1!.header('to'), 'cara.newcomer@example.org', 'the Patient email by default');
    assert.equal(mail1!.header('subject'), 'Your invitation to Continuum MyHealth');
    const link1 = linkIn(mail1!.text);
    assert.ok(link1.startsWith(`${server.origin}/portal/activate?token=`));

    const second = await server.request('POST', `/Patient/${patientC}/$portal-invite`, { token: desk, body: invite('Cara.Home@example.org') });
    assert.equal(second.status, 200);
    const [mail2] = newMail();
    assert.equal(mail2!.header('to'), 'Cara.Home@example.org', 'a given address wins');
    const link2 = linkIn(mail2!.text);

    const voided = await activate(link1, { password: NEW_PASSWORD });
    assert.equal(voided.page.status, 410, 'the first link no longer works');
    assert.match(voided.html, /no longer works/);

    const mismatch = await activate(link2, { password: NEW_PASSWORD, confirm: `${NEW_PASSWORD}x` });
    assert.equal(mismatch.page.status, 200);
    assert.match(mismatch.html, /Continuum MyHealth/, 'the portal look');
    assert.match(mismatch.html, /value="Cara.Home@example.org"/, 'the username defaults to the address');
    assert.equal(mismatch.res!.status, 400);
    assert.match(mismatch.text!, /not the same/);
    const weak = await activate(link2, { password: 'password' });
    assert.equal(weak.res!.status, 400);
    assert.match(weak.text!, /Not created/);
    const forged = await step(new CookieJar(), link2.replace(/\?.*$/, ''), { csrf: 'forged', token: new URL(link2).searchParams.get('token')!, username: 'cara', password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    assert.equal(forged.status, 403, 'the form needs its CSRF token');

    const done = await activate(link2, { username: 'cara.newcomer', password: NEW_PASSWORD });
    assert.equal(done.res!.status, 303, done.text);
    assert.equal(done.res!.headers.get('location'), '/portal/');
    const again = await activate(link2, { username: 'cara.other', password: NEW_PASSWORD });
    assert.equal(again.page.status, 410, 'the link works once');
    const unknown = await step(new CookieJar(), `${server.origin}/portal/activate?token=${'A'.repeat(43)}`);
    assert.equal(unknown.status, 404);

    const conflict = await server.request('POST', `/Patient/${patientC}/$portal-invite`, { token: desk, body: invite() });
    assert.equal(conflict.status, 409, 'the patient already has an active account');
    assert.deepEqual(newMail(), []);
  });

  it('signs the new patient in through the portal client, whose token reads only their own record', async () => {
    const tok = await portalSignIn(server, { username: 'cara.newcomer', password: NEW_PASSWORD });
    assert.equal(tok.patient, patientC);
    assert.ok(!String(tok.scope).includes('offline_access'));
    assert.equal(tok.refresh_token, undefined);
    const own = await server.request('GET', `/Patient/${patientC}`, { token: tok.access_token });
    assert.equal(own.status, 200);
    assert.equal((await server.request('GET', `/Patient/${clinic.patientA}`, { token: tok.access_token })).status, 404);
  });

  it('shows its own sign-in page, with password reset and activation help', async () => {
    const jar = new CookieJar();
    let res = await step(jar, authorizeUrl(server.origin, { clientId: PORTAL_CLIENT, redirectUri: portalRedirect(server), scope: PORTAL_SCOPE, aud: server.base, challenge: pkce().challenge }));
    for (let i = 0; i < 10 && (res.status === 302 || res.status === 303); i++) res = await step(jar, new URL(res.headers.get('location')!, server.origin).href);
    const html = await res.text();
    assert.equal(res.status, 200);
    assert.match(html, /<title>Sign in to MyHealth · Continuum MyHealth<\/title>/);
    assert.match(html, /Activate your account/);
    const forgot = /<a href="(\/auth\/forgot\?uid=[^"]+&amp;portal=1)">Forgot your password\?<\/a>/.exec(html)?.[1];
    assert.ok(forgot, 'a portal-styled forgot-password link');
    const page = await step(jar, new URL(forgot.replace(/&amp;/g, '&'), server.origin).href);
    const forgotHtml = await page.text();
    assert.equal(page.status, 200);
    assert.match(forgotHtml, /Continuum MyHealth/);
    assert.match(forgotHtml, /name="portal" value="1"/);
  });

  it('invites a proxy by RelatedPerson; the proxy signs in acting for the patient', async () => {
    const res = await server.request('POST', `/Patient/${patientC}/$portal-invite`, { token: desk, body: invite(undefined, `RelatedPerson/${proxyRp}`) });
    assert.equal(res.status, 200, res.text);
    const [mail] = newMail();
    assert.equal(mail!.header('to'), 'dana.newcomer@example.org', "the RelatedPerson's address");
    const done = await activate(linkIn(mail!.text), { password: NEW_PASSWORD });
    assert.equal(done.res!.status, 303, done.text);
    const tok = await portalSignIn(server, { username: 'dana.newcomer@example.org', password: NEW_PASSWORD });
    assert.equal(tok.patient, patientC, "the proxy's first patient");
    assert.equal((await server.request('GET', `/Patient/${patientC}`, { token: tok.access_token })).status, 200);
    assert.equal((await server.request('GET', `/Patient/${clinic.patientB}`, { token: tok.access_token })).status, 404);
    const log = await server.request('GET', `/AuditEvent?patient=Patient/${patientC}&_sort=-date&_count=50`, { token: tok.access_token });
    assert.equal(log.status, 200, log.text);
    assert.ok((log.json as Bundle).entry!.length > 0, 'a proxy sees who accessed the record');
    assert.equal((await server.request('GET', `/AuditEvent?patient=Patient/${clinic.patientA}`, { token: tok.access_token })).status, 403);
  });

  it('refuses an expired invitation with a 410', async () => {
    const lastWeek = new Date(Date.now() - 8 * 86_400_000);
    let token = '';
    await server.database.db.transaction((tx) =>
      new InvitationService(tx, () => lastWeek).issue({ tenantId: clinic.tenant, kind: 'patient', fhirUser: `Patient/${clinic.patientB}`, patient: clinic.patientB, email: 'bob@example.org' }, async (t) => {
        token = t;
      }),
    );
    const page = await step(new CookieJar(), `${server.origin}/portal/activate?token=${token}`);
    assert.equal(page.status, 410);
  });

  it('refuses staff at the portal: at its sign-in, and with a staff session from the clinician app', async () => {
    await assert.rejects(portalFrontChannel(server, { username: 'dr.okafor', password: PASSWORD }), /authorization page 403: .*Use the staff app/s);
    // Signed in to the clinician app, then sent to the portal's authorize URL in the same browser.
    const jar = new CookieJar();
    const follow = async (url: string, form?: Record<string, string>): Promise<Response> => {
      let res = await step(jar, url, form);
      for (let i = 0; i < 12 && (res.status === 302 || res.status === 303); i++) {
        const to = new URL(res.headers.get('location')!, server.origin);
        if (to.pathname.endsWith('/callback')) return res;
        res = await step(jar, to.href);
      }
      return res;
    };
    const login = await follow(authorizeUrl(server.origin, { clientId: 'continuum-web', redirectUri: `${server.origin}/callback`, scope: 'openid fhirUser user/*.rs', aud: server.base, challenge: pkce().challenge }));
    const html = await login.text();
    const action = /action="([^"]*\/login)"/.exec(html)![1]!;
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
    const signedIn = await follow(new URL(action, server.origin).href, { csrf, username: 'dr.okafor', password: PASSWORD, otp: '' });
    assert.match(signedIn.headers.get('location') ?? '', /\/callback\?code=/, 'signed in to the clinician app');
    const portal = await follow(authorizeUrl(server.origin, { clientId: PORTAL_CLIENT, redirectUri: portalRedirect(server), scope: PORTAL_SCOPE, aud: server.base, challenge: pkce().challenge }));
    assert.equal(portal.status, 403);
    assert.match(await portal.text(), /Staff accounts cannot sign in to MyHealth/);
  });

  it('lists the third-party apps a patient authorized and revokes one with its tokens', async () => {
    const appToken = await userToken(server, clinic, 'alice', 'openid fhirUser launch/patient patient/*.rs');
    assert.equal((await server.request('GET', `/Patient/${clinic.patientA}`, { token: appToken })).status, 200);
    const portal = (await portalSignIn(server, { username: 'alice', password: PASSWORD })).access_token;
    const grants = (token?: string) => fetch(`${server.origin}/auth/grants`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

    assert.equal((await grants()).status, 401);
    assert.equal((await grants(appToken)).status, 403, 'a third-party app cannot see the others');
    assert.equal((await grants(server.token)).status, 403, 'a system client has no user');
    const listed = await grants(portal);
    assert.equal(listed.status, 200);
    const apps = (await listed.json()) as { grantId: string; clientId: string; clientName: string; scope: string; createdAt: string }[];
    assert.ok(apps.length >= 1);
    assert.deepEqual([...new Set(apps.map((a) => a.clientId))], [clinic.appId], 'the portal and the web app are not listed');
    assert.equal(apps[0]!.clientName, 'Growth Chart');
    assert.match(apps[0]!.scope, /patient\/\*\.rs/);
    assert.ok(Math.abs(Date.parse(apps[0]!.createdAt) - Date.now()) < 120_000);

    // Someone else's grant is not known.
    const drApp = await userToken(server, clinic, 'dr.okafor', 'openid fhirUser user/*.rs');
    assert.equal((await server.request('GET', `/Patient/${clinic.patientB}`, { token: drApp })).status, 200);
    const mine = new Set(apps.map((a) => a.grantId));
    const { rows } = await server.database.db.query<{ id: string }>(`SELECT id FROM oauth_entry WHERE model = 'Grant' AND payload->>'clientId' = $1`, [clinic.appId]);
    const others = rows.filter((r) => !mine.has(r.id));
    assert.ok(others.length > 0);
    for (const r of others) {
      const res = await fetch(`${server.origin}/auth/grants/${r.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${portal}` } });
      assert.equal(res.status, 404);
    }
    assert.equal((await fetch(`${server.origin}/auth/grants/${apps[0]!.grantId}`, { method: 'DELETE' })).status, 401);
    assert.equal((await fetch(`${server.origin}/auth/grants/${apps[0]!.grantId}`, { method: 'DELETE', headers: { authorization: `Bearer ${appToken}` } })).status, 403);

    for (const app of apps) {
      const revoked = await fetch(`${server.origin}/auth/grants/${app.grantId}`, { method: 'DELETE', headers: { authorization: `Bearer ${portal}` } });
      assert.equal(revoked.status, 204);
    }
    assert.equal((await server.request('GET', `/Patient/${clinic.patientA}`, { token: appToken })).status, 401, "the app's next call");
    assert.deepEqual(await (await grants(portal)).json(), []);
    assert.equal((await server.request('GET', `/Patient/${clinic.patientB}`, { token: drApp })).status, 200, "another user's app is untouched");
    assert.equal((await server.request('GET', `/Patient/${clinic.patientA}`, { token: portal })).status, 200, 'the portal itself stays signed in');
  });

  it("shows a patient who accessed their record, never another patient's entries", async () => {
    // A staff search that lists several patients is an entry about each of them.
    const dr = await userToken(server, clinic, 'dr.okafor', 'openid fhirUser user/*.rs');
    assert.equal((await server.request('GET', `/Patient?_count=50`, { token: dr })).status, 200);
    const portal = (await portalSignIn(server, { username: 'alice', password: PASSWORD })).access_token;
    const log = await server.request('GET', `/AuditEvent?patient=Patient/${clinic.patientA}&_sort=-date&_count=50`, { token: portal });
    assert.equal(log.status, 200, log.text);
    const events = ((log.json as Bundle<AuditEvent>).entry ?? []).map((e) => e.resource!);
    assert.ok(events.length > 0);
    const references = events.flatMap((e) => (e.entity ?? []).map((x) => x.what?.reference ?? ''));
    assert.ok(references.includes(`Patient/${clinic.patientA}`));
    assert.ok(!references.some((r) => r.includes(clinic.patientB) || r.includes(patientC)), 'no other patient is named');
    assert.ok(events.some((e) => (e.agent ?? []).some((a) => a.who?.display === 'dr.okafor' || a.altId === 'dr.okafor' || JSON.stringify(a).includes('dr.okafor'))), "the doctor's access is listed");
    const times = events.map((e) => Date.parse(e.recorded));
    assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first');
    assert.equal((await server.request('GET', `/AuditEvent?patient=Patient/${clinic.patientB}`, { token: portal })).status, 403);
    assert.equal((await server.request('GET', `/AuditEvent?patient=Patient/${clinic.patientA}&_sort=date`, { token: portal })).status, 400);
    assert.equal((await server.request('GET', `/AuditEvent?patient=Patient/${clinic.patientA}`, { anonymous: true })).status, 401);
  });
});
