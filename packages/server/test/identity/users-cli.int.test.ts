/**
 * Identity suite, `continuum users`: in-process on the backend under test, an add / list / role /
 * disable / enable / email / reset-password / mfa round trip with the exit codes and messages an
 * administrator sees, and no hash or password in any output; a reset link mailed with `--send`
 * through a real SMTP peer; then as a real child process over a fresh data folder (or PostgreSQL
 * database), through the CLI's command table, mailing into .eml files and to the console.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { loadDefinitions } from '@continuum/fhir';
import { AuditTrail } from '../../src/audit/audit-trail.ts';
import { AccountService } from '../../src/identity/accounts.ts';
import { LoginService } from '../../src/identity/login.ts';
import { PasswordResetService } from '../../src/identity/password-reset.ts';
import { runUsers, type UsersDeps } from '../../src/identity/users-command.ts';
import { createMailSender } from '../../src/mail/mail-sender.ts';
import { parseMailSetting } from '../../src/mail/mail-settings.ts';
import { SearchParamProvider } from '../../src/search-params/provider.ts';
import { Repository } from '../../src/store/repository.ts';
import { createTestDatabase, freshStoreEnv, runCli, type CliRun, type TestDatabase } from '../fixtures/backend.ts';
import { emlFiles, readEml, readMessage, startSmtpPeer } from '../auth/mail-peer.ts';
import { GOOD_PASSWORD, newTenant, testSecrets } from './helpers.ts';


let t: TestDatabase;
before(async () => {
  t = await createTestDatabase();
});
after(() => t.drop());

type Run = CliRun;

async function users(tenant: string, args: string[], stdin = '', resetMail?: UsersDeps['resetMail']): Promise<Run> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => void (out += c.toString()));
  stderr.on('data', (c: Buffer) => void (err += c.toString()));
  const code = await runUsers(args, { db: t.db, tenant, io: { stdin: Readable.from([stdin]), stdout, stderr }, ...(resetMail ? { resetMail } : {}) });
  return { code, out, err };
}

const ADD = ['add', '--username', 'Ada.Admin', '--kind', 'staff', '--role', 'physician', '--fhir-user', 'Practitioner/prac-1', '--organization', 'Organization/org-1', '--password-stdin'];

describe('continuum users, in-process', () => {
  it('adds, lists, changes roles, disables and enables, never printing secrets', async () => {
    const tenant = newTenant();
    const added = await users(tenant, ADD, `${GOOD_PASSWORD}\n`);
    assert.equal(added.code, 0, added.err);
    assert.equal(added.out, `created staff user Ada.Admin with roles physician, linked to Practitioner/prac-1, Organization/org-1 in tenant '${tenant}'\n`);
    assert.match(added.err, /note: Practitioner\/prac-1 does not exist in tenant 't-[0-9a-f]+' yet/);
    assert.equal((await new LoginService(t.db, testSecrets()).verify({ tenantId: tenant, username: 'ada.admin', password: GOOD_PASSWORD })).outcome, 'ok', 'the trailing newline is not part of the password');

    const dup = await users(tenant, [...ADD.slice(0, 2), 'ADA.ADMIN', ...ADD.slice(3)], `${GOOD_PASSWORD}\n`);
    assert.deepEqual([dup.code, dup.out], [1, '']);
    assert.match(dup.err, /continuum users add: the username 'ADA.ADMIN' is taken in this tenant/);

    const role = await users(tenant, ['role', '--username', 'ada.admin', '--add', 'admin,auditor']);
    assert.equal(role.code, 0, role.err);
    assert.equal(role.out, 'Ada.Admin: roles admin, auditor, physician\nAda.Admin has no MFA yet: it is required (admin) and is enrolled at the next login\n');
    assert.equal((await users(tenant, ['role', '--username', 'ada.admin', '--remove', 'auditor'])).out, 'Ada.Admin: roles admin, physician\nAda.Admin has no MFA yet: it is required (admin) and is enrolled at the next login\n');
    const badRole = await users(tenant, ['role', '--username', 'ada.admin', '--set', 'wizard']);
    assert.equal(badRole.code, 1);
    assert.match(badRole.err, /unknown role 'wizard'/);

    assert.equal((await users(tenant, ['add', '--username', 'pat.okafor', '--kind', 'patient', '--fhir-user', 'Patient/pat-9', '--password-stdin'], GOOD_PASSWORD)).code, 0);
    assert.equal((await users(tenant, ['disable', '--username', 'pat.okafor'])).out, 'pat.okafor: disabled (cannot log in until enabled)\n');
    const list = await users(tenant, ['list']);
    assert.equal(list.code, 0);
    assert.deepEqual(list.out.trimEnd().split('\n').map((l) => l.split(/\s{2,}/)), [
      ['USERNAME', 'KIND', 'ROLES', 'FHIR USER', 'ORGANIZATION', 'MFA', 'STATUS'],
      ['Ada.Admin', 'staff', 'admin,physician', 'Practitioner/prac-1', 'Organization/org-1', 'required, not enrolled', 'active'],
      ['pat.okafor', 'patient', '-', 'Patient/pat-9', '-', 'off', 'disabled'],
    ]);
    assert.equal((await users(tenant, ['list', '--kind', 'patient'])).out.trimEnd().split('\n').length, 2);
    assert.equal((await users(tenant, ['enable', '--username', 'pat.okafor'])).code, 0);
    assert.match((await users(tenant, ['list', '--kind', 'patient'])).out, /active\n$/);
    // Every change is a permission change in the audit trail, at high priority; listing is not.
    const changes = await new AuditTrail(t.db).search({ tenant, action: 'permission-change', count: 100 });
    const details = changes.map((c) => c.detail ?? '').reverse();
    assert.deepEqual(details.map((d) => d.split(' ').slice(0, 3).join(' ')), [
      'users add Ada.Admin',
      'users role ada.admin',
      'users role ada.admin',
      'users add pat.okafor',
      'users disable pat.okafor',
      'users enable pat.okafor',
    ]);
    assert.ok(changes.every((c) => c.priority === 'high' && c.clientId === 'continuum-cli' && (c.username ?? '').startsWith('os:')), 'who ran it is recorded');

    const mfa = await users(tenant, ['mfa', '--username', 'ada.admin', '--optional']);
    assert.equal(mfa.code, 1);
    assert.match(mfa.err, /MFA is always required for admins/);
    assert.equal((await users(tenant, ['mfa', '--username', 'pat.okafor', '--require'])).out, 'pat.okafor: MFA required\n');

    const everything = [added, dup, role, list].map((r) => r.out + r.err).join('');
    assert.ok(!everything.includes(GOOD_PASSWORD) && !everything.includes('$argon2'), 'no password or hash in any output');
  });

  it('resets a password from stdin (policy-checked) or prints a one-time link token', async () => {
    const tenant = newTenant();
    assert.equal((await users(tenant, ADD, GOOD_PASSWORD)).code, 0);
    const weak = await users(tenant, ['reset-password', '--username', 'ada.admin', '--password-stdin'], 'password1234\n');
    assert.equal(weak.code, 1);
    assert.match(weak.err, /the password is refused: it is one of the most common passwords/);
    const set = await users(tenant, ['reset-password', '--username', 'ada.admin', '--password-stdin'], 'Quiet-meadow-lantern-88\n');
    assert.equal(set.out, 'Ada.Admin: password set (lockout cleared, outstanding reset links retired)\n');
    const link = await users(tenant, ['reset-password', '--username', 'ada.admin', '--link']);
    assert.equal(link.code, 0, link.err);
    const token = /^ {2}([A-Za-z0-9_-]{43})$/m.exec(link.out)?.[1];
    assert.ok(token, link.out);
    assert.match(link.out, /valid until \d{4}-\d\d-\d\dT/);
    assert.match(link.out, /sets a new password with it at \/auth\/reset/);
    await new PasswordResetService(t.db).complete(tenant, token, 'Silver-compass-dune-63');
    assert.equal((await new LoginService(t.db, testSecrets()).verify({ tenantId: tenant, username: 'ada.admin', password: 'Silver-compass-dune-63' })).outcome, 'ok');
    const ghost = await users(tenant, ['reset-password', '--username', 'ghost', '--link']);
    assert.equal(ghost.code, 1);
    assert.match(ghost.err, /no user 'ghost'/);
  });

  it('keeps an email address, and mails a reset link with --send through a real SMTP relay', async () => {
    const peer = await startSmtpPeer();
    try {
      const tenant = newTenant();
      const sender = createMailSender(parseMailSetting(`smtp://127.0.0.1:${peer.port}`), { from: 'Continuum <no-reply@clinic.example>' });
      const resetMail = { sender, base: 'https://ehr.clinic.example' };
      const added = await users(tenant, [...ADD, '--email', 'Ada@Clinic.example'], GOOD_PASSWORD);
      assert.equal(added.code, 0, added.err);
      const sent = await users(tenant, ['reset-password', '--username', 'ada.admin', '--send'], '', resetMail);
      assert.equal(sent.code, 0, sent.err);
      assert.match(sent.out, /^Ada\.Admin: reset link mailed to the account's address \(smtp\), valid until \d{4}-\d\d-\d\dT[^;]+; it works once\n$/);
      const received = await peer.message(1);
      assert.deepEqual(received.envelopeTo.map((a) => a.toLowerCase()), ['ada@clinic.example'], 'to the account\'s address');
      const mail = readMessage(received.raw);
      const link = /^(https:\/\/ehr\.clinic\.example\/auth\/reset\?token=([A-Za-z0-9_-]{43}))$/m.exec(mail.text);
      assert.ok(link, `the relay received the link: ${mail.text}`);
      assert.ok(!sent.out.includes(link[2]!) && !sent.out.includes('Ada@Clinic'), 'the token and address are not printed');
      await new PasswordResetService(t.db).complete(tenant, link[2]!, 'Silver-compass-dune-63');
      assert.equal((await new LoginService(t.db, testSecrets()).verify({ tenantId: tenant, username: 'ada.admin', password: 'Silver-compass-dune-63' })).outcome, 'ok', 'the mailed link set the password');

      assert.equal((await users(tenant, ['email', '--username', 'ada.admin', '--email', 'ada.new@clinic.example'])).out, 'Ada.Admin: email address set (reset links are mailed there)\n');
      const bad = await users(tenant, ['email', '--username', 'ada.admin', '--email', 'not an address']);
      assert.equal(bad.code, 1);
      assert.match(bad.err, /the email address is refused: 'not an address' is not an email address/);
      assert.equal((await users(tenant, ['email', '--username', 'ada.admin', '--clear'])).out, 'Ada.Admin: email address removed (reset links cannot be mailed)\n');
      const none = await users(tenant, ['reset-password', '--username', 'ada.admin', '--send'], '', resetMail);
      assert.equal(none.code, 1);
      assert.match(none.err, /'Ada.Admin' has no email address: set one with 'users email --username Ada.Admin --email ADDRESS'/);
      const noBase = await users(tenant, ['reset-password', '--username', 'ada.admin', '--send'], '', { sender, base: undefined });
      assert.equal(noBase.code, 1);
      assert.match(noBase.err, /--send: set CONTINUUM_BASE_URL/);
      const elsewhere = await users(tenant, ['reset-password', '--username', 'ada.admin', '--send', '--tenant', 'other-clinic'], '', resetMail);
      assert.equal(elsewhere.code, 1);
      assert.match(elsewhere.err, /the server's reset page serves tenant 't-[0-9a-f]+'/);
      assert.equal(peer.received.length, 1, 'nothing else was sent');
      const changes = await new AuditTrail(t.db).search({ tenant, action: 'permission-change', count: 100 });
      assert.deepEqual(changes.map((c) => c.detail).reverse(), ['users add Ada.Admin', 'users reset-password ada.admin link mailed', 'users email ada.admin set', 'users email ada.admin cleared']);
    } finally {
      await peer.close();
    }
  });

  it('warns when the password is given on the command line, and needs one from somewhere', async () => {
    const tenant = newTenant();
    const argv = ADD.filter((a) => a !== '--password-stdin');
    const missing = await users(tenant, argv);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /no password: pipe it in with --password-stdin/);
    const empty = await users(tenant, ADD, '');
    assert.equal(empty.code, 2);
    const warned = await users(tenant, [...argv, '--password', GOOD_PASSWORD]);
    assert.equal(warned.code, 0);
    assert.match(warned.err, /warning: --password leaves the password in the shell history/);
  });

  it('notes no missing link when the linked resources exist', async () => {
    const tenant = newTenant();
    loadDefinitions();
    const repo = new Repository({ db: t.db, indexer: await new SearchParamProvider(t.db).indexerFor(tenant) }, tenant);
    await repo.create({ resourceType: 'Practitioner', name: [{ family: 'Synthetic' }] }, { id: 'prac-1' });
    await repo.create({ resourceType: 'Organization', name: 'Synthetic Clinic' }, { id: 'org-1' });
    const added = await users(tenant, ADD, GOOD_PASSWORD);
    assert.equal(added.code, 0);
    assert.equal(added.err, '');
  });

  it('grants and withdraws the sensitivity labels a staff user may see, audited as permission changes', async () => {
    const tenant = newTenant();
    assert.equal((await users(tenant, ADD, `${GOOD_PASSWORD}\n`)).code, 0);
    const show = async (): Promise<string> => (await users(tenant, ['rights', '--username', 'ada.admin'])).out;
    assert.equal(await show(), 'ada.admin: may see no restricted labels\n');
    const set = await users(tenant, ['rights', '--username', 'ada.admin', '--set', 'PSY,R']);
    assert.equal(set.code, 0, set.err);
    assert.equal(set.out, 'ada.admin: may see PSY, R (signed-in sessions pick this up within 30 s)\n');
    assert.equal((await users(tenant, ['rights', '--username', 'ada.admin', '--add', 'SUD', '--remove', 'R'])).code, 0);
    assert.equal(await show(), 'ada.admin: may see PSY, SUD\n');
    const stored = await new AccountService(t.db).securityRights(tenant, 'ada.admin');
    assert.deepEqual(stored, ['PSY', 'SUD'], 'what the access rules read');

    const unknown = await users(tenant, ['rights', '--username', 'ada.admin', '--add', 'SECRET']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /unknown security label: SECRET/);
    assert.equal((await users(tenant, ['add', '--username', 'pat.rights', '--kind', 'patient', '--fhir-user', 'Patient/pat-7', '--password-stdin'], GOOD_PASSWORD)).code, 0);
    const patient = await users(tenant, ['rights', '--username', 'pat.rights', '--set', 'R']);
    assert.equal(patient.code, 1);
    assert.match(patient.err, /only staff accounts hold security rights/);

    const changes = (await new AuditTrail(t.db).search({ tenant, action: 'permission-change', count: 100 })).map((r) => r.detail ?? '').filter((d) => d.startsWith('users rights'));
    assert.equal(changes.length, 2, `two changes audited, the listings and refusals not: ${JSON.stringify(changes)}`);
    assert.match(changes[1]!, /users rights ada\.admin .*"set":\["PSY","R"\]/);
  });

  it('answers usage errors with exit code 2 and the usage', async () => {
    const tenant = newTenant();
    for (const args of [[], ['frobnicate'], ['add', '--username', 'x'], ['add', ...ADD.slice(1), '--kind', 'staff'], ['list', '--username', 'x'], ['role', '--username', 'x'], ['role', '--username', 'x', '--set', 'a', '--add', 'b'], ['mfa', '--username', 'x'], ['reset-password', '--username', 'x', '--link', '--password-stdin'], ['reset-password', '--username', 'x', '--link', '--send'], ['reset-password', '--username', 'x', '--send', '--password-stdin'], ['email', '--username', 'x'], ['email', '--username', 'x', '--email', 'a@b.example', '--clear'], ['list', '--email', 'a@b.example'], ['add', ...ADD.slice(1, 4), '--kind', 'robot'], ['list', '--tenant', 'a b'], ['rights', '--username', 'x', '--set', 'R', '--add', 'PSY'], ['rights', '--set', 'R']]) {
      const run = await users(tenant, args);
      assert.equal(run.code, 2, JSON.stringify(args));
      assert.match(run.err, /Usage: continuum users add/, JSON.stringify(args));
    }
  });
});

describe('continuum users, as a child process', () => {
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;
  before(async () => {
    ({ env, cleanup } = await freshStoreEnv('cli', 'continuum-users-'));
  });
  after(() => cleanup());

  const cli = (args: string[], stdin = ''): Promise<Run> => runCli(env, ['users', ...args], stdin);

  it('adds a user from stdin and lists it, through the command table', async () => {
    const added = await cli(ADD, `${GOOD_PASSWORD}\n`);
    assert.equal(added.code, 0, added.err);
    assert.match(added.out, /^created staff user Ada.Admin with roles physician, .* in tenant 'cli'\n$/);
    const list = await cli(['list']);
    assert.equal(list.code, 0, list.err);
    assert.match(list.out, /^Ada\.Admin +staff +physician +Practitioner\/prac-1 +Organization\/org-1 +off +active$/m);
  });

  it('mails a reset link with --send into .eml files, or prints it with the console sender', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'continuum-cli-mail-'));
    try {
      assert.equal((await cli(['email', '--username', 'ada.admin', '--email', 'ada@clinic.example'])).code, 0);
      const filed = await runCli({ ...env, CONTINUUM_MAIL: `file:${dir}`, CONTINUUM_BASE_URL: 'https://ehr.clinic.example' }, ['users', 'reset-password', '--username', 'ada.admin', '--send']);
      assert.equal(filed.code, 0, filed.err);
      const files = emlFiles(dir);
      assert.equal(files.length, 1);
      const mail = readEml(files[0]!);
      assert.equal(mail.header('to'), 'ada@clinic.example');
      assert.match(mail.text, /^https:\/\/ehr\.clinic\.example\/auth\/reset\?token=[A-Za-z0-9_-]{43}$/m);
      const printed = await runCli({ ...env, CONTINUUM_MAIL: 'console', PORT: '8123' }, ['users', 'reset-password', '--username', 'ada.admin', '--send']);
      assert.equal(printed.code, 0, printed.err);
      assert.match(printed.out, /^mail: "Reset your Continuum password" to 1 recipient \(CONTINUUM_MAIL=console: printed here, not sent\); its links:\n {2}http:\/\/localhost:8123\/auth\/reset\?token=[A-Za-z0-9_-]{43}\n/);
      assert.ok(!printed.out.includes('ada@clinic.example'), 'the console does not print the address');
      const relayless = await runCli({ ...env, CONTINUUM_MAIL: `file:${dir}` }, ['users', 'reset-password', '--username', 'ada.admin', '--send']);
      assert.equal(relayless.code, 1);
      assert.match(relayless.err, /set CONTINUUM_BASE_URL/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 on a usage error before opening any database', async () => {
    const run = await cli(['add', '--kind', 'robot']);
    assert.equal(run.code, 2);
    assert.match(run.err, /--kind must be staff, patient or proxy, got 'robot'/);
  });
});
