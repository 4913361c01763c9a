/**
 * `POST /fhir/Patient/{id}/$grant-proxy`: an adult patient gives a caregiver portal access.
 * Parameters `name`, `email`, `relationship` (a v3 RoleCode from RELATIONSHIPS), `until` (date,
 * optional: the last day of the access). In one transaction: a RelatedPerson (active,
 * `period.start` now, `period.end` = until) and its invitation, issued and mailed by the code
 * `$portal-invite` uses for a proxy (a refused mail stores nothing). Answers `relatedPerson`,
 * `expires`, `sentTo`. Who may call: see proxy-access.ts.
 */
import type { Coding, RelatedPerson } from '@medplum/fhirtypes';
import { badRequest, transient } from '@continuum/fhir';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import { invitee } from '../../identity/invitations.ts';
import { OperationInputs } from '../operation-inputs.ts';
import { invitationFailure, mailInvitation, portalOrigin } from './portal-invite.ts';
import { ownRecord } from './proxy-access.ts';

const OP = '$grant-proxy';
const ROLE_CODE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-RoleCode';

/** The relationships a patient may name (HL7 v3 RoleCode, with its display names). */
const RELATIONSHIPS: Readonly<Record<string, string>> = {
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

const MAX_NAME = 200;

function relationshipCoding(code: string | undefined, operation: string): Coding {
  if (code === undefined) throw badRequest(`${operation}: 'relationship' is required`);
  const display = RELATIONSHIPS[code];
  if (!display) throw badRequest(`${operation}: 'relationship' must be one of ${Object.keys(RELATIONSHIPS).join(', ')}`);
  return { system: ROLE_CODE_SYSTEM, code, display };
}

export async function grantProxyOperation(ctx: ApiContext, req: FhirRequest, patientId: string): Promise<FhirResponse> {
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
