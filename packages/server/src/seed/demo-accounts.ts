/**
 * Logins for the demo clinic: one staff account per role (linked to the demo's synthetic
 * Practitioners and its clinic Organization), a few portal patients and a parent acting for a
 * minor (through a RelatedPerson), plus a SMART app registration for trying launches. All share
 * one demo password; the admin must use MFA, so its TOTP secret is enrolled here and printed once.
 *
 * Idempotent: accounts that exist are left alone, so a restart prints the same logins and a
 * changed password stays changed. Synthetic data only: these are demo credentials by design,
 * printed at start-up and listed in the README.
 */
import type { Patient, RelatedPerson, Resource } from '@medplum/fhirtypes';
import type { DemoStaff } from '@continuum/synth';
import { AccountService } from '../identity/accounts.ts';
import { MfaService } from '../identity/mfa.ts';
import { totpCode } from '../identity/totp.ts';
import type { Role } from '../identity/types.ts';
import { UsersRepository } from '../identity/users-repository.ts';
import { ClientRegistry } from '../auth/clients.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { Repository } from '../store/repository.ts';

export const DEMO_PASSWORD = 'Continuum-Demo-2026';

export interface DemoLogin {
  username: string;
  what: string;
}

export interface DemoAccounts {
  logins: DemoLogin[];
  /** The admin's TOTP secret, when it was enrolled by this call (printed once). */
  adminTotpSecret?: string;
}

const STAFF: { username: string; role: Role; from: DemoStaff['role'] }[] = [
  { username: 'demo.physician', role: 'physician', from: 'physician' },
  { username: 'demo.nurse', role: 'nurse', from: 'nurse' },
  { username: 'demo.frontdesk', role: 'front-desk', from: 'front-desk' },
  { username: 'demo.biller', role: 'biller', from: 'biller' },
  { username: 'demo.auditor', role: 'auditor', from: 'admin' },
  { username: 'demo.admin', role: 'admin', from: 'admin' },
];

function nameOf(p: Patient): string {
  const n = p.name?.[0];
  return n ? `${(n.given ?? []).join(' ')} ${n.family ?? ''}`.trim() : (p.id ?? '');
}

function ageOn(birthDate: string | undefined, at: Date): number {
  if (!birthDate) return -1;
  const b = new Date(`${birthDate.slice(0, 10)}T00:00:00Z`);
  let age = at.getUTCFullYear() - b.getUTCFullYear();
  if (at.getUTCMonth() < b.getUTCMonth() || (at.getUTCMonth() === b.getUTCMonth() && at.getUTCDate() < b.getUTCDate())) age--;
  return age;
}

export async function ensureDemoAccounts(repo: Repository, staff: readonly DemoStaff[], secrets: SecretBox, now = new Date()): Promise<DemoAccounts> {
  const tenant = repo.tenantId;
  const q = repo.queryable;
  const users = new UsersRepository(q);
  const accounts = new AccountService(q);
  const logins: DemoLogin[] = [];
  let adminTotpSecret: string | undefined;

  const orgs = await repo.search(repo.parseCriteria('Organization', 'type=prov&_sort=name'), { count: 1 });
  const anyOrg = orgs.matches[0] ?? (await repo.search(repo.parseCriteria('Organization', 'name:missing=false&_sort=name'), { count: 1 })).matches[0];
  const organization = anyOrg ? `Organization/${anyOrg.id}` : undefined;

  for (const s of STAFF) {
    const person = staff.find((x) => x.role === s.from) ?? staff[0];
    if (!person || !organization) continue;
    if (!(await users.byUsername(tenant, s.username))) {
      await accounts.create({ tenantId: tenant, username: s.username, kind: 'staff', roles: [s.role], fhirUser: `Practitioner/${person.practitionerId}`, organization, password: DEMO_PASSWORD });
      if (s.role === 'admin') {
        const mfa = new MfaService(q, secrets);
        const enrolment = await mfa.begin(tenant, s.username);
        await mfa.confirm(tenant, s.username, await totpCode(enrolment.secret, now));
        adminTotpSecret = enrolment.secret;
      }
    }
    logins.push({ username: s.username, what: `${s.role}${s.role === 'auditor' || s.role === 'admin' ? '' : ` (${person.name})`}${s.role === 'admin' ? ', needs its TOTP code' : ''}` });
  }

  // Portal patients: the first adults by name; a parent for the first minor.
  const page = await repo.search(repo.parseCriteria('Patient', 'name:missing=false&_sort=family,given'), { count: 200 });
  const patients = page.matches.map((m) => JSON.parse(m.content) as Patient);
  const adults = patients.filter((p) => ageOn(p.birthDate, now) >= 18 && !p.deceasedDateTime && p.deceasedBoolean !== true).slice(0, 3);
  for (const [i, p] of adults.entries()) {
    const username = `demo.patient${i + 1}`;
    if (!(await users.byUsername(tenant, username))) {
      await accounts.create({ tenantId: tenant, username, kind: 'patient', fhirUser: `Patient/${p.id}`, password: DEMO_PASSWORD });
    }
    logins.push({ username, what: `patient portal (${nameOf(p)})` });
  }
  const minor = patients.find((p) => ageOn(p.birthDate, now) >= 0 && ageOn(p.birthDate, now) < 12);
  if (minor) {
    const username = 'demo.parent';
    if (!(await users.byUsername(tenant, username))) {
      const family = minor.name?.[0]?.family ?? 'Parent';
      const parent: RelatedPerson = {
        resourceType: 'RelatedPerson',
        active: true,
        patient: { reference: `Patient/${minor.id}` },
        relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'PRN', display: 'parent' }] }],
        name: [{ family, given: ['Jordan'] }],
      };
      const written = await repo.create(parent as Resource);
      await accounts.create({ tenantId: tenant, username, kind: 'proxy', fhirUser: `RelatedPerson/${written.resource.id}`, password: DEMO_PASSWORD });
    }
    logins.push({ username, what: `parent of ${nameOf(minor)} (a minor), through the portal` });
  }

  // A SMART app to try launches with (public, PKCE), allowed on loopback redirect URIs.
  const clients = new ClientRegistry(q);
  if (!(await clients.get('demo-smart-app'))) {
    await clients.add({
      clientId: 'demo-smart-app',
      tenantId: tenant,
      name: 'Demo SMART app',
      auth: 'none',
      redirectUris: ['http://localhost:9000/callback', 'http://127.0.0.1:9000/callback'],
      scope: 'openid fhirUser profile launch launch/patient offline_access patient/*.rs user/*.rs user/*.cruds',
    });
  }
  return { logins, ...(adminTotpSecret ? { adminTotpSecret } : {}) };
}

export function demoLoginsText(a: DemoAccounts): string {
  const width = Math.max(...a.logins.map((l) => l.username.length));
  const lines = [`  Demo logins (password for all: ${DEMO_PASSWORD}):`];
  for (const l of a.logins) lines.push(`    ${l.username.padEnd(width)}  ${l.what}`);
  if (a.adminTotpSecret) lines.push(`  demo.admin's authenticator secret (add it to an authenticator app; shown once): ${a.adminTotpSecret}`);
  lines.push('  A SMART app is registered as client_id demo-smart-app (redirect http://localhost:9000/callback).');
  return lines.join('\n') + '\n';
}
