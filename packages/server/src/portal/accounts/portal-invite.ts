/**
 * `POST /fhir/Patient/{id}/$portal-invite`: staff (admin, physician, nurse, front-desk) invite a
 * patient, or one of the patient's proxies, to the portal. Parameters `email` (string; default the
 * invitee's email telecom: the Patient's, or the RelatedPerson's for a proxy) and `relatedPerson`
 * (Reference(RelatedPerson) of this patient, optional). Answers Parameters `expires` (instant) and
 * `sentTo` (the masked address). The mail goes out inside the invitation's transaction: a mail
 * the transport refuses stores nothing (503). 409 when the invitee already has an active account.
 *
 * The guard has already checked that the Patient is visible to the caller (404 otherwise); who
 * may invite is decided here, since patients may also run operations on their own Patient.
 */
import type { Parameters, ParametersParameter, Patient, RelatedPerson } from '@medplum/fhirtypes';
import { badRequest, conflict, forbidden, notFound, transient } from '@continuum/fhir';
import { InvitationMailError, inviteByMail, maskEmail } from '../../identity/invitation-mail.ts';
import { invitee, type NewInvitation } from '../../identity/invitations.ts';
import { AccountError } from '../../identity/types.ts';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import type { MailSender } from '../../mail/mail-sender.ts';
import type { Repository } from '../../store/repository.ts';

const OP = '$portal-invite';
export const INVITING_ROLES = ['admin', 'physician', 'nurse', 'front-desk'];
const RELATED_PERSON = /^RelatedPerson\/([A-Za-z0-9.-]{1,64})$/;

function inputs(req: FhirRequest): { email?: string; relatedPerson?: string } {
  const body = req.body as Parameters | undefined;
  if (typeof body !== 'object' || body === null || body.resourceType !== 'Parameters') throw badRequest(`${OP} takes a Parameters resource in the body`);
  const out: { email?: string; relatedPerson?: string } = {};
  const seen = new Set<string>();
  for (const p of body.parameter ?? ([] as ParametersParameter[])) {
    if (seen.has(p.name)) throw badRequest(`${OP}: '${p.name}' is given more than once`);
    seen.add(p.name);
    if (p.name === 'email') {
      if (typeof p.valueString !== 'string') throw badRequest(`${OP}: 'email' must be a valueString`);
      out.email = p.valueString;
    } else if (p.name === 'relatedPerson') {
      const ref = p.valueReference?.reference;
      if (typeof ref !== 'string' || !RELATED_PERSON.test(ref)) throw badRequest(`${OP}: 'relatedPerson' must be a valueReference to RelatedPerson/<id>`);
      out.relatedPerson = RELATED_PERSON.exec(ref)![1]!;
    } else throw badRequest(`${OP}: the parameter '${p.name}' is not supported (use email and relatedPerson)`);
  }
  return out;
}

export async function portalInviteOperation(ctx: ApiContext, req: FhirRequest, patientId: string): Promise<FhirResponse> {
  const p = ctx.principal;
  if (p && !(p.kind === 'staff' && p.roles.some((r) => INVITING_ROLES.includes(r)))) throw forbidden('Only clinic staff (admin, physician, nurse, front desk) may invite to the portal');
  if (!ctx.mail) throw transient('Mail is not set up on this server (CONTINUUM_MAIL), so invitations cannot be sent');
  const given = inputs(req);
  const patient = (await ctx.repo.read('Patient', patientId)) as Patient;
  let proxy: RelatedPerson | undefined;
  if (given.relatedPerson) {
    proxy = (await ctx.repo.read('RelatedPerson', given.relatedPerson).catch(() => undefined)) as RelatedPerson | undefined;
    if (!proxy) throw notFound(`RelatedPerson/${given.relatedPerson} is not known`);
  }
  const mail = ctx.mail;
  try {
    const invitation = invitee(ctx.repo.tenantId, patient, proxy, given.email);
    if (p?.userId) invitation.invitedBy = p.userId;
    const parameter = await ctx.repo.inTransaction((repo) => mailInvitation(repo, mail, portalOrigin(ctx), invitation));
    return { status: 200, headers: {}, body: { resourceType: 'Parameters', parameter } };
  } catch (err) {
    throw invitationFailure(OP, err);
  }
}

/** The origin the activation link points at: the FHIR base's. */
export const portalOrigin = (ctx: ApiContext): string => ctx.baseUrl.replace(/\/fhir$/, '');

/**
 * Issues `invitation` and mails its link inside `repo`'s open transaction (see
 * identity/invitations.ts); answers the operation's `expires` and `sentTo` parameters.
 */
export async function mailInvitation(repo: Repository, mail: MailSender, origin: string, invitation: NewInvitation): Promise<ParametersParameter[]> {
  const { expiresAt } = await inviteByMail(repo.queryable, mail, origin, invitation);
  return [
    { name: 'expires', valueInstant: expiresAt.toISOString() },
    { name: 'sentTo', valueString: maskEmail(invitation.email) },
  ];
}

/** The OperationOutcome error for a failed invitation (503 mail refused, 409 active account, 400 bad address). */
export function invitationFailure(operation: string, err: unknown): unknown {
  if (err instanceof InvitationMailError) return transient('The invitation could not be mailed; nothing was stored. Try again later.');
  if (err instanceof AccountError && err.code === 'already-active') return conflict(err.message);
  if (err instanceof AccountError && err.code === 'invalid') return badRequest(`${operation}: ${err.message}`);
  return err;
}
