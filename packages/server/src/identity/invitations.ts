/**
 * Patient portal invitations: a staff user invites a patient (or a proxy, named by its
 * RelatedPerson) and the invitee opens a mailed one-time link to create their own account.
 *
 * The service runs on the Queryable it is given; `issue` and `accept` must be given an open
 * transaction (the caller owns it, so the FHIR operation can use the repository's).
 * `issue` makes a random 256-bit token, stores only its SHA-256 for seven days, and voids the
 * person's earlier invitations; it refuses (`already-active`) when an enabled account is already
 * linked to that person. Its `deliver` step (the mail) runs inside the transaction: if the mail
 * is not accepted nothing is stored and the earlier link still works. `voidOpen` voids a person's open links (a proxy's access withdrawn); `everInvited` tells
 * which RelatedPersons are portal proxies rather than mere contacts. `check` tells the
 * activation page whether a token is open, spent or unknown. `accept` spends an open token and
 * creates the account through the account service, so a refused username or password (a throw,
 * rolling the transaction back) leaves the token unspent. The table is `portal_invitation`
 * (migration 015); nothing else touches it. `invitee` decides who is invited and where to, the
 * same way for the FHIR operation and the CLI.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ContactPoint, Patient, RelatedPerson } from '@medplum/fhirtypes';
import type { Queryable } from '../db/database.ts';
import { emailProblems } from './account-rules.ts';
import { AccountService } from './accounts.ts';
import { AccountError, systemClock, type Clock, type UserAccount } from './types.ts';
import { UsersRepository } from './users-repository.ts';

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60_000;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface NewInvitation {
  tenantId: string;
  kind: 'patient' | 'proxy';
  /** `Patient/<id>` or `RelatedPerson/<id>`: what the account will be linked to. */
  fhirUser: string;
  /** The patient whose record the invitation was made from. */
  patient: string;
  email: string;
  /** The account that sent it: staff, or the patient granting a proxy access. */
  invitedBy?: string;
}

export interface OpenInvitation {
  kind: 'patient' | 'proxy';
  fhirUser: string;
  patient: string;
  email: string;
  expiresAt: Date;
}

/** What the activation page learns about a token. */
export type InvitationState = { state: 'open'; invitation: OpenInvitation } | { state: 'spent' } | { state: 'unknown' };

interface Row {
  kind: 'patient' | 'proxy';
  fhir_user: string;
  patient: string;
  email: string;
  expires_at: Date | string;
  used_at: Date | string | null;
  voided_at: Date | string | null;
}

const emailOf = (telecom: ContactPoint[] | undefined): string | undefined => telecom?.find((t) => t.system === 'email' && t.value)?.value?.trim();

/**
 * Who an invitation is for: the patient, or the proxy `relatedPerson` (which must relate this
 * patient), at `email` or else the invitee's own email telecom. Throws `invalid` with the reason.
 */
export function invitee(tenantId: string, patient: Patient, relatedPerson: RelatedPerson | undefined, email: string | undefined): NewInvitation {
  const patientRef = `Patient/${patient.id ?? ''}`;
  if (relatedPerson && relatedPerson.patient.reference !== patientRef) throw new AccountError('invalid', `RelatedPerson/${relatedPerson.id ?? ''} is not a related person of ${patientRef}`);
  const to = email?.trim() || emailOf((relatedPerson ?? patient).telecom);
  if (!to) throw new AccountError('invalid', `no email address: give one, or record one on the ${relatedPerson ? 'RelatedPerson' : 'Patient'}`);
  const problems = emailProblems(to);
  if (problems.length > 0) throw new AccountError('invalid', problems.join('; '));
  return relatedPerson
    ? { tenantId, kind: 'proxy', fhirUser: `RelatedPerson/${relatedPerson.id ?? ''}`, patient: patient.id ?? '', email: to }
    : { tenantId, kind: 'patient', fhirUser: patientRef, patient: patient.id ?? '', email: to };
}

const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

function toOpen(r: Row): OpenInvitation {
  return { kind: r.kind, fhirUser: r.fhir_user, patient: r.patient, email: r.email, expiresAt: new Date(r.expires_at) };
}

export class InvitationService {
  constructor(
    private readonly q: Queryable,
    private readonly clock: Clock = systemClock,
    private readonly ttlMs: number = INVITATION_TTL_MS,
  ) {}

  /** Stores a new invitation (voiding the earlier ones) and hands the token to `deliver` before committing. */
  async issue(inv: NewInvitation, deliver: (token: string, expiresAt: Date) => Promise<void>): Promise<{ expiresAt: Date }> {
    await refuseActive(this.q, inv.tenantId, inv.fhirUser);
    const now = this.clock();
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    await this.q.query(`UPDATE portal_invitation SET voided_at = $3 WHERE tenant_id = $1 AND fhir_user = $2 AND used_at IS NULL AND voided_at IS NULL`, [inv.tenantId, inv.fhirUser, now]);
    await this.q.query(
      `INSERT INTO portal_invitation (token_hash, tenant_id, kind, fhir_user, patient, email, invited_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7::uuid, $8, $9)`,
      [hashToken(token), inv.tenantId, inv.kind, inv.fhirUser, inv.patient, inv.email, inv.invitedBy ?? null, now, expiresAt],
    );
    await deliver(token, expiresAt);
    return { expiresAt };
  }

  /** Voids the open invitations of `fhirUser` (its access was withdrawn); how many there were. */
  async voidOpen(tenantId: string, fhirUser: string): Promise<number> {
    const { rows } = await this.q.query<{ token_hash: string }>(
      `UPDATE portal_invitation SET voided_at = $3 WHERE tenant_id = $1 AND fhir_user = $2 AND used_at IS NULL AND voided_at IS NULL RETURNING token_hash`,
      [tenantId, fhirUser, this.clock()],
    );
    return rows.length;
  }

  /** Which of `fhirUsers` have ever been invited (open, spent, voided or expired). */
  async everInvited(tenantId: string, fhirUsers: readonly string[]): Promise<Set<string>> {
    if (fhirUsers.length === 0) return new Set();
    const { rows } = await this.q.query<{ fhir_user: string }>(
      `SELECT DISTINCT fhir_user FROM portal_invitation WHERE tenant_id = $1 AND fhir_user = ANY($2::text[])`,
      [tenantId, [...fhirUsers]],
    );
    return new Set(rows.map((r) => r.fhir_user));
  }

  async check(tenantId: string, token: string): Promise<InvitationState> {
    if (!TOKEN_PATTERN.test(token)) return { state: 'unknown' };
    const { rows } = await this.q.query<Row>(
      `SELECT kind, fhir_user, patient, email, expires_at, used_at, voided_at FROM portal_invitation WHERE token_hash = $1 AND tenant_id = $2`,
      [hashToken(token), tenantId],
    );
    const r = rows[0];
    if (!r) return { state: 'unknown' };
    if (r.used_at !== null || r.voided_at !== null || new Date(r.expires_at) <= this.clock()) return { state: 'spent' };
    return { state: 'open', invitation: toOpen(r) };
  }

  /** Spends the token and creates the account; throws `invalid-token` for a token that is not open. */
  async accept(tenantId: string, token: string, username: string, password: string): Promise<UserAccount> {
    const invalid = new AccountError('invalid-token', 'the invitation link is invalid, expired or already used');
    if (!TOKEN_PATTERN.test(token)) throw invalid;
    const now = this.clock();
    const { rows } = await this.q.query<Row>(
      `UPDATE portal_invitation SET used_at = $3 WHERE token_hash = $1 AND tenant_id = $2 AND used_at IS NULL AND voided_at IS NULL AND expires_at > $3
       RETURNING kind, fhir_user, patient, email, expires_at, used_at, voided_at`,
      [hashToken(token), tenantId, now],
    );
    const r = rows[0];
    if (!r) throw invalid;
    await refuseActive(this.q, tenantId, r.fhir_user);
    // Throwing rolls back the caller's transaction: a refused username or password leaves the token open.
    return new AccountService(this.q, this.clock).create({ tenantId, username, kind: r.kind, fhirUser: r.fhir_user, email: r.email, password });
  }
}

async function refuseActive(q: Queryable, tenantId: string, fhirUser: string): Promise<void> {
  const existing = await new UsersRepository(q).enabledByFhirUser(tenantId, fhirUser);
  if (existing.length > 0) throw new AccountError('already-active', `${fhirUser} already has an active portal account`);
}
