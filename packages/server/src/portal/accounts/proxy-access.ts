/**
 * An adult patient's own control over who may act for them in the portal (issue 8: "a caregiver
 * that an adult patient has granted access to"). Staff can still create RelatedPersons and invite
 * them (`$portal-invite`); these operations are the patient's path:
 *
 * - `POST /fhir/Patient/{id}/$grant-proxy` Parameters `name`, `email`, `relationship` (a v3
 *   RoleCode from RELATIONSHIPS), `until` (date, optional: the last day of the access). In one
 *   transaction: a RelatedPerson (active, `period.start` now, `period.end` = until) and its
 *   portal invitation, mailed the way `$portal-invite` mails a proxy's. Answers `relatedPerson`,
 *   `expires`, `sentTo`.
 * - `GET /fhir/Patient/{id}/$proxies` → `proxy`* (parts `relatedPerson`, `name`, `relationship`,
 *   `since`, `until`, `status` invited | active | revoked): the patient's RelatedPersons that have a
 *   portal account or were ever invited (whoever invited them: the patient or staff); the others
 *   are contacts, not proxies.
 * - `POST /fhir/Patient/{id}/$revoke-proxy` Parameters `relatedPerson`: a new version of the
 *   RelatedPerson, inactive and ended now (its history kept), the open invitation voided, and the
 *   bearer caches told, so the proxy's next request no longer reaches this patient.
 *
 * Only the patient themselves (a `patient` login on its own record) may call them; granting and
 * revoking also need an adult (18 or older by birthDate). Proxies may not grant further: the
 * access is the patient's to give. The guard has already answered 404 for a record the caller
 * cannot see.
 */
import type { Coding, Parameters, ParametersParameter, Patient, RelatedPerson } from '@medplum/fhirtypes';
import { badRequest, forbidden, notFound, transient } from '@continuum/fhir';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import { inForce } from '../../auth/proxy-patients.ts';
import { invitee, InvitationService } from '../../identity/invitations.ts';
import { UsersRepository } from '../../identity/users-repository.ts';
import { ageInYears } from '../../medications/dose.ts';
import { OperationInputs } from '../messaging/inputs.ts';
import { invitationFailure, mailInvitation, portalOrigin } from './portal-invite.ts';

export const ROLE_CODE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-RoleCode';

/** The relationships a patient may name (HL7 v3 RoleCode, with its display names). */
export const RELATIONSHIPS: Readonly<Record<string, string>> = {
  SPS: 'spouse',
  DOMPART: 'domestic partner',
  PRN: 'parent',
  CHILD: 'child',
  SIB: 'sibling',
  GRPRN: 'grandparent',
  FAMMEMB: 'family member',
  FRND: 'unrelated friend',
  NBOR: 'neighbor',
  GUARD: 'guardian',
  HPOWATT: 'healthcare power of attorney',
};

const ADULT_AGE = 18;
const MAX_NAME = 200;
const MAX_PROXIES = 100;

type ProxyStatus = 'invited' | 'active' | 'revoked';

/** The caller must be the patient `patientId` signed in as themselves (and an adult, when `adult`); answers the Patient. */
async function ownRecord(ctx: ApiContext, patientId: string, operation: string, adult: boolean): Promise<Patient> {
  const p = ctx.principal;
  if (!p || p.kind !== 'patient') throw forbidden(`${operation} is for the patient themselves: proxies and staff may not use it`);
  if (p.fhirUser !== `Patient/${patientId}`) throw notFound(`Patient/${patientId} is not known`);
  const patient = (await ctx.repo.read('Patient', patientId)) as Patient;
  if (adult) {
    const age = ageInYears(patient, new Date());
    if (age === undefined || age < ADULT_AGE) throw forbidden(`${operation}: only an adult patient (${ADULT_AGE} or older by the birth date on record) may decide who can see their record; ask the clinic`);
  }
  return patient;
}

function relationshipCoding(code: string | undefined, operation: string): Coding {
  if (code === undefined) throw badRequest(`${operation}: 'relationship' is required`);
  const display = RELATIONSHIPS[code];
  if (!display) throw badRequest(`${operation}: 'relationship' must be one of ${Object.keys(RELATIONSHIPS).join(', ')}`);
  return { system: ROLE_CODE_SYSTEM, code, display };
}

export async function grantProxyOperation(ctx: ApiContext, req: FhirRequest, patientId: string): Promise<FhirResponse> {
  const OP = '$grant-proxy';
  const patient = await ownRecord(ctx, patientId, OP, true);
  const now = new Date();
  const inputs = OperationInputs.read(req, OP, ['name', 'email', 'relationship', 'until']);
  const name = inputs.requiredString('name');
  if (name.length > MAX_NAME) throw badRequest(`${OP}: 'name' is longer than ${MAX_NAME} characters`);
  const email = inputs.requiredString('email');
  const relationship = relationshipCoding(inputs.code('relationship'), OP);
  const until = inputs.date('until');
  if (until !== undefined && until < now.toISOString().slice(0, 10)) throw badRequest(`${OP}: 'until' is in the past`);
  if (!ctx.mail) throw transient('Mail is not set up on this server (CONTINUUM_MAIL), so invitations cannot be sent');
  const mail = ctx.mail;
  const proxy: RelatedPerson = {
    resourceType: 'RelatedPerson',
    active: true,
    patient: { reference: `Patient/${patientId}` },
    relationship: [{ coding: [relationship], text: relationship.display! }],
    name: [{ text: name }],
    telecom: [{ system: 'email', value: email }],
    period: { start: now.toISOString(), ...(until ? { end: until } : {}) },
  };
  try {
    const parameter = await ctx.repo.inTransaction(async (repo) => {
      const stored = (await repo.create(proxy)).resource as RelatedPerson;
      const invitation = invitee(repo.tenantId, patient, stored, email);
      if (ctx.principal?.userId) invitation.invitedBy = ctx.principal.userId;
      const sent = await mailInvitation(repo, mail, portalOrigin(ctx), invitation);
      return [{ name: 'relatedPerson', valueReference: { reference: `RelatedPerson/${stored.id!}`, display: name } }, ...sent];
    });
    return { status: 200, headers: {}, body: { resourceType: 'Parameters', parameter } };
  } catch (err) {
    throw invitationFailure(OP, err);
  }
}

/** The proxies of a patient, with their state as the patient sees it. */
export async function proxiesOperation(ctx: ApiContext, req: FhirRequest, patientId: string): Promise<FhirResponse> {
  const OP = '$proxies';
  await ownRecord(ctx, patientId, OP, false);
  OperationInputs.read(req, OP, []);
  const now = new Date();
  const found = await ctx.repo.search(ctx.repo.parseCriteria('RelatedPerson', `patient=${encodeURIComponent(`Patient/${patientId}`)}`), { count: MAX_PROXIES });
  const users = new UsersRepository(ctx.repo.queryable);
  const related = found.matches.map((m) => JSON.parse(m.content) as RelatedPerson);
  const invited = await new InvitationService(ctx.repo.queryable).everInvited(ctx.repo.tenantId, related.map((rp) => `RelatedPerson/${rp.id!}`));
  const parameter: ParametersParameter[] = [];
  for (const rp of related) {
    const hasAccount = (await users.enabledByFhirUser(ctx.repo.tenantId, `RelatedPerson/${rp.id!}`)).length > 0;
    // A RelatedPerson never invited and without an account is a contact (next of kin...), not a proxy.
    if (!hasAccount && !invited.has(`RelatedPerson/${rp.id!}`)) continue;
    const status: ProxyStatus = !inForce(rp, now) ? 'revoked' : hasAccount ? 'active' : 'invited';
    const name = displayName(rp);
    const coding = rp.relationship?.flatMap((r) => r.coding ?? [])[0];
    parameter.push({
      name: 'proxy',
      part: [
        { name: 'relatedPerson', valueReference: { reference: `RelatedPerson/${rp.id!}`, display: name } },
        { name: 'name', valueString: name },
        ...(coding ? [{ name: 'relationship', valueCoding: coding }] : []),
        ...(rp.period?.start ? [{ name: 'since', valueDateTime: rp.period.start }] : []),
        ...(rp.period?.end ? [{ name: 'until', valueDateTime: rp.period.end }] : []),
        { name: 'status', valueCode: status },
      ],
    });
  }
  return { status: 200, headers: {}, body: { resourceType: 'Parameters', parameter } };
}

function displayName(rp: RelatedPerson): string {
  const n = rp.name?.[0];
  return n?.text ?? ([...(n?.given ?? []), n?.family].filter(Boolean).join(' ') || 'Unnamed person');
}

export async function revokeProxyOperation(ctx: ApiContext, req: FhirRequest, patientId: string): Promise<FhirResponse> {
  const OP = '$revoke-proxy';
  await ownRecord(ctx, patientId, OP, true);
  const inputs = OperationInputs.read(req, OP, ['relatedPerson']);
  const target = inputs.reference('relatedPerson', ['RelatedPerson']);
  if (!target) throw badRequest(`${OP}: 'relatedPerson' is required`);
  const now = new Date();
  const revoked = await ctx.repo.inTransaction(async (repo) => {
    const rp = (await repo.read('RelatedPerson', target.id).catch(() => undefined)) as RelatedPerson | undefined;
    if (!rp || rp.patient.reference !== `Patient/${patientId}`) throw notFound(`RelatedPerson/${target.id} is not known`);
    await new InvitationService(repo.queryable).voidOpen(repo.tenantId, `RelatedPerson/${target.id}`);
    if (!inForce(rp, now)) return rp; // Already withdrawn or ended: nothing more to change.
    const ended: RelatedPerson = { ...rp, active: false, period: { ...rp.period, end: now.toISOString() } };
    return (await repo.update('RelatedPerson', target.id, ended)).resource as RelatedPerson;
  });
  // After the commit, so a proxy's next lookup sees the withdrawn access.
  ctx.forgetProxiesOf?.(ctx.repo.tenantId, patientId);
  const body: Parameters = {
    resourceType: 'Parameters',
    parameter: [
      { name: 'relatedPerson', valueReference: { reference: `RelatedPerson/${target.id}`, display: displayName(revoked) } },
      { name: 'status', valueCode: 'revoked' },
      ...(revoked.period?.end ? [{ name: 'until', valueDateTime: revoked.period.end }] : []),
    ],
  };
  return { status: 200, headers: {}, body };
}
