/**
 * Identity suite, accounts on the backend under test: creation with every shape rule and the
 * password policy, case-insensitive unique usernames per tenant, roles with admins flagged
 * MFA-required, disable/enable, and the schema's own CHECKs refusing bad rows written around the
 * service (including hostile strings, which stay data).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AccountService } from '../../src/identity/accounts.ts';
import { AccountError } from '../../src/identity/types.ts';
import { createTestDatabase, type TestDatabase } from '../fixtures/backend.ts';
import { GOOD_PASSWORD, newTenant, staffInput, testClock } from './helpers.ts';

let t: TestDatabase;
before(async () => {
  t = await createTestDatabase();
});
after(() => t.drop());

const refused = (code: string, pattern?: RegExp) => (err: unknown): boolean =>
  err instanceof AccountError && err.code === code && (pattern === undefined || pattern.test(err.message));

describe('creating accounts', () => {
  it('creates staff, patient and proxy accounts and returns no secrets', async () => {
    const tenant = newTenant();
    const svc = new AccountService(t.db, testClock());
    const staff = await svc.create(staffInput(tenant, { roles: ['Nurse', 'physician', 'nurse'] }));
    assert.deepEqual(staff.roles, ['nurse', 'physician'], 'lower-cased, unique, sorted');
    assert.equal(staff.organization, 'Organization/org-1');
    assert.equal(staff.mfaRequired, false);
    assert.equal(staff.createdAt.toISOString(), '2031-03-04T05:06:07.000Z');
    assert.equal(JSON.stringify(staff).includes('argon2'), false);
    assert.equal(JSON.stringify(staff).includes(GOOD_PASSWORD), false);
    await svc.create({ tenantId: tenant, username: 'pat.okafor', kind: 'patient', fhirUser: 'Patient/pat-9', password: GOOD_PASSWORD });
    await svc.create({ tenantId: tenant, username: 'guardian.okafor', kind: 'proxy', fhirUser: 'RelatedPerson/rp-2', password: GOOD_PASSWORD });
    const all = await svc.list(tenant);
    assert.deepEqual(all.map((a) => [a.username, a.kind]), [['dr.rivera', 'staff'], ['guardian.okafor', 'proxy'], ['pat.okafor', 'patient']]);
    assert.deepEqual((await svc.list(tenant, 'patient')).map((a) => a.username), ['pat.okafor']);
    const stored = await t.db.query<{ password_hash: string }>('SELECT password_hash FROM user_account WHERE tenant_id = $1', [tenant]);
    for (const r of stored.rows) {
      assert.match(r.password_hash, /^\$argon2id\$/);
      assert.notEqual(r.password_hash, GOOD_PASSWORD);
    }
  });

  it('refuses a duplicate username in the same tenant regardless of case, but not in another tenant', async () => {
    const tenant = newTenant();
    const svc = new AccountService(t.db);
    await svc.create(staffInput(tenant, { username: 'Dr.Rivera' }));
    await assert.rejects(svc.create(staffInput(tenant, { username: 'dr.RIVERA' })), refused('duplicate-username', /'dr\.RIVERA' is taken/));
    const other = await svc.create(staffInput(newTenant(), { username: 'dr.rivera' }));
    assert.equal(other.username, 'dr.rivera');
    assert.equal((await svc.get(tenant, 'DR.RIVERA')).username, 'Dr.Rivera', 'lookup ignores case, display keeps it');
  });

  it('refuses bad shapes and weak passwords with every reason', async () => {
    const tenant = newTenant();
    const svc = new AccountService(t.db);
    await assert.rejects(
      svc.create({ tenantId: tenant, username: 'bad name', kind: 'patient', roles: ['admin'], fhirUser: 'Practitioner/p1', organization: 'Organization/o1', password: 'password' }),
      (err: unknown) => {
        assert.ok(err instanceof AccountError);
        assert.equal(err.code, 'invalid');
        assert.equal(err.reasons.length, 6, err.reasons.join('\n'));
        assert.match(err.reasons[0]!, /username must be 1-128 characters/);
        assert.match(err.reasons[1]!, /only staff accounts have roles/);
        assert.match(err.reasons[2]!, /a patient account is linked to Patient/);
        assert.match(err.reasons[3]!, /only staff accounts belong to an Organization/);
        assert.match(err.reasons[4]!, /^password: it must be at least 12/);
        return true;
      },
    );
    await assert.rejects(svc.create(staffInput(tenant, { roles: ['surgeon'] })), refused('invalid', /unknown role 'surgeon'/));
    await assert.rejects(svc.create(staffInput(tenant, { organization: null })), refused('invalid', /belongs to an Organization/));
    await assert.rejects(svc.create(staffInput(tenant, { fhirUser: 'Patient/p1' })), refused('invalid', /Practitioner or PractitionerRole/));
    await assert.rejects(svc.create(staffInput(tenant, { password: 'dr.rivera-2031-secret' })), refused('weak-password', /must not contain the username/));
    assert.deepEqual(await svc.list(tenant), [], 'nothing was stored');
    assert.equal((await svc.create(staffInput(tenant, { fhirUser: 'PractitionerRole/role-7' }))).fhirUser, 'PractitionerRole/role-7');
  });
});

describe('roles and status', () => {
  it('flags an admin without MFA as mfa_required, and an admin cannot make MFA optional', async () => {
    const tenant = newTenant();
    const svc = new AccountService(t.db);
    const admin = await svc.create(staffInput(tenant, { username: 'ada.admin', roles: ['admin'] }));
    assert.equal(admin.mfaRequired, true);
    assert.equal(admin.mfaEnabled, false);
    await svc.create(staffInput(tenant, { username: 'ben.biller', roles: ['biller'] }));
    const promoted = await svc.setRoles(tenant, 'ben.biller', ['biller', 'admin']);
    assert.deepEqual(promoted.roles, ['admin', 'biller']);
    assert.equal(promoted.mfaRequired, true);
    await assert.rejects(svc.setMfaRequired(tenant, 'ben.biller', false), refused('mfa-state', /always required for admins/));
    const demoted = await svc.setRoles(tenant, 'ben.biller', ['biller']);
    assert.equal(demoted.mfaRequired, true, 'stays required until someone decides otherwise');
    assert.equal((await svc.setMfaRequired(tenant, 'ben.biller', false)).mfaRequired, false);
    assert.equal((await svc.setMfaRequired(tenant, 'ben.biller', true)).mfaRequired, true, 'configurable for non-admins');
  });

  it('refuses unknown roles and roles for non-staff', async () => {
    const tenant = newTenant();
    const svc = new AccountService(t.db);
    await svc.create({ tenantId: tenant, username: 'pat.okafor', kind: 'patient', fhirUser: 'Patient/pat-9', password: GOOD_PASSWORD });
    await assert.rejects(svc.setRoles(tenant, 'pat.okafor', ['nurse']), refused('invalid', /only staff accounts have roles/));
    await svc.create(staffInput(tenant));
    await assert.rejects(svc.setRoles(tenant, 'dr.rivera', ['root']), refused('invalid', /unknown role 'root'/));
    await assert.rejects(svc.setRoles(tenant, 'nobody', ['nurse']), refused('not-found', /no user 'nobody'/));
    assert.deepEqual((await svc.setRoles(tenant, 'dr.rivera', [])).roles, []);
  });

  it('disables and enables an account', async () => {
    const tenant = newTenant();
    const svc = new AccountService(t.db);
    await svc.create(staffInput(tenant));
    assert.equal((await svc.disable(tenant, 'dr.rivera')).disabled, true);
    assert.equal((await svc.enable(tenant, 'DR.RIVERA')).disabled, false);
    await assert.rejects(svc.disable(tenant, 'ghost'), refused('not-found'));
  });

  it('sets a new password only when the policy accepts it', async () => {
    const tenant = newTenant();
    const clock = testClock();
    const svc = new AccountService(t.db, clock);
    await svc.create(staffInput(tenant));
    clock.advance(86_400_000);
    await assert.rejects(svc.setPassword(tenant, 'dr.rivera', 'letmein'), refused('weak-password', /at least 12/));
    const changed = await svc.setPassword(tenant, 'dr.rivera', 'Quiet-meadow-lantern-88');
    assert.equal(changed.passwordChangedAt.toISOString(), '2031-03-05T05:06:07.000Z');
  });
});

describe('the schema holds the rules too', () => {
  const insert = (tenant: string, cols: Record<string, unknown>) => {
    const row: Record<string, unknown> = {
      tenant_id: tenant, username: 'u1', kind: 'staff', roles: ['nurse'], fhir_user: 'Practitioner/p1', organization: 'Organization/o1',
      password_hash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA', password_changed_at: new Date(), created_at: new Date(), updated_at: new Date(), ...cols,
    };
    const names = Object.keys(row);
    return t.db.query(`INSERT INTO user_account (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')})`, Object.values(row));
  };

  it('accepts a well-formed row and refuses each broken rule', async () => {
    const tenant = newTenant();
    await insert(tenant, {});
    const broken: Record<string, unknown>[] = [
      { username: 'U1' }, // duplicate, case-insensitively
      { username: 'Ünïcode' },
      { kind: 'robot' },
      { roles: ['nurse', 'janitor'] },
      { kind: 'patient', fhir_user: 'Patient/p1', organization: null, roles: ['nurse'] },
      { fhir_user: 'Patient/p1' },
      { kind: 'patient', fhir_user: 'Practitioner/p1', organization: null, roles: [] },
      { kind: 'proxy', fhir_user: 'Patient/p1', organization: null, roles: [] },
      { organization: null },
      { organization: 'Practitioner/p1' },
      { kind: 'patient', fhir_user: 'Patient/p1', organization: 'Organization/o1', roles: [] },
      { password_hash: 'plain-text-password' },
      { roles: ['admin'] }, // admin without mfa_required
      { mfa_enabled: true }, // MFA on without a secret
      { totp_secret: 'not base32!' },
      { totp_secret: 'enc1.short.iv.body' }, // neither sealed nor base32
      { email: 'two words@clinic.example' },
      { email: 'no-at-sign' },
      { email: `${'a'.repeat(250)}@b.example` },
      { failed_attempts: -1 },
    ];
    for (const [i, cols] of broken.entries()) {
      await assert.rejects(insert(tenant, { username: `u-${i + 2}`, ...cols }), (e: unknown) => ['23514', '23505'].includes(String((e as { code?: unknown }).code)), JSON.stringify(cols));
    }
    const n = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM user_account WHERE tenant_id = $1', [tenant]);
    assert.equal(Number(n.rows[0]!.n), 1);
  });

  it('keeps an optional email address, checked before it is stored', async () => {
    const tenant = newTenant();
    const svc = new AccountService(t.db);
    const a = await svc.create(staffInput(tenant, { email: ' Dr.Rivera+ehr@Clinic.example ' }));
    assert.equal(a.email, 'Dr.Rivera+ehr@Clinic.example', 'trimmed, case kept');
    assert.equal((await svc.create(staffInput(tenant, { username: 'no.mail' }))).email, null);
    for (const bad of ['plain', 'a@b@c.example', 'a b@c.example', 'a@-c.example', 'a@c.example\r\nBcc: x@y.example', `${'a'.repeat(65)}@c.example`, `a@${'b'.repeat(250)}.example`]) {
      await assert.rejects(svc.create(staffInput(tenant, { username: 'x.mail', email: bad })), refused('invalid', /is not an email address/), JSON.stringify(bad));
      await assert.rejects(svc.setEmail(tenant, 'no.mail', bad), refused('invalid', /is not an email address/), JSON.stringify(bad));
    }
    assert.equal((await svc.setEmail(tenant, 'no.mail', 'desk@clinic.example')).email, 'desk@clinic.example');
    assert.equal((await svc.setEmail(tenant, 'no.mail', null)).email, null);
    assert.equal((await svc.setEmail(tenant, 'dr.rivera', '  ')).email, null, 'blank removes it');
  });

  it('keeps hostile strings as data', async () => {
    const tenant = newTenant();
    const svc = new AccountService(t.db);
    const evil = "x'); DROP TABLE user_account; --";
    await assert.rejects(svc.create(staffInput(tenant, { username: evil })), refused('invalid'));
    await assert.rejects(svc.get(tenant, evil), refused('not-found'));
    await assert.rejects(svc.get(`${tenant}' OR '1'='1`, 'dr.rivera'), refused('not-found'));
    await svc.create(staffInput(tenant));
    assert.equal((await svc.list(tenant)).length, 1);
  });
});
