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
import type { ContactPoint, Parameters, ParametersParameter, Patient, RelatedPerson } from '@medplum/fhirtypes';
import { badRequest, conflict, forbidden, notFound, transient } from '@continuum/fhir';
import { emailProblems } from '../../identity/account-rules.ts';
import { activationLink, invitationMessage, maskEmail } from '../../identity/invitation-mail.ts';
import { InvitationService } from '../../identity/invitations.ts';
import { AccountError } from '../../identity/types.ts';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';

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
      out.email = p.valueString.trim();
    } else if (p.name === 'relatedPerson') {
      const ref = p.valueReference?.reference;
      if (typeof ref !== 'string' || !RELATED_PERSON.test(ref)) throw badRequest(`${OP}: 'relatedPerson' must be a valueReference to RelatedPerson/<id>`);
      out.relatedPerson = ref;
    } else throw badRequest(`${OP}: the parameter '${p.name}' is not supported (use email and relatedPerson)`);
  }
  return out;
}

const emailOf = (telecom: ContactPoint[] | undefined): string | undefined => telecom?.find((t) => t.system === 'email' && t.value)?.value?.trim();

export async function portalInviteOperation(ctx: ApiContext, req: FhirRequest, patientId: string): Promise<FhirResponse> {
  const p = ctx.principal;
  if (p && !(p.kind === 'staff' && p.roles.some((r) => INVITING_ROLES.includes(r)))) throw forbidden('Only clinic staff (admin, physician, nurse, front desk) may invite to the portal');
  if (!ctx.mail) throw transient('Mail is not set up on this server (CONTINUUM_MAIL), so invitations cannot be sent');
  const given = inputs(req);
  const patient = (await ctx.repo.read('Patient', patientId)) as Patient;
  let fhirUser = `Patient/${patientId}`;
  let email = emailOf(patient.telecom);
  if (given.relatedPerson) {
    const id = RELATED_PERSON.exec(given.relatedPerson)![1]!;
    const rp = (await ctx.repo.read('RelatedPerson', id).catch(() => undefined)) as RelatedPerson | undefined;
    if (!rp) throw notFound(`${given.relatedPerson} is not known`);
    if (rp.patient.reference !== `Patient/${patientId}`) throw badRequest(`${OP}: ${given.relatedPerson} is not a related person of Patient/${patientId}`);
    fhirUser = given.relatedPerson;
    email = emailOf(rp.telecom);
  }
  email = given.email || email;
  if (!email) throw badRequest(`${OP}: no email address: give 'email', or record one on the ${given.relatedPerson ? 'RelatedPerson' : 'Patient'}`);
  const problems = emailProblems(email);
  if (problems.length > 0) throw badRequest(`${OP}: ${problems.join('; ')}`);
  const origin = ctx.baseUrl.replace(/\/fhir$/, '');
  const mail = ctx.mail;
  try {
    const { expiresAt } = await ctx.repo.inTransaction((repo) =>
      new InvitationService(repo.queryable).issue(
        { tenantId: ctx.repo.tenantId, kind: given.relatedPerson ? 'proxy' : 'patient', fhirUser, patient: patientId, email: email, ...(p?.userId ? { invitedBy: p.userId } : {}) },
        async (token, expires) => {
          try {
            await mail.send(invitationMessage(email, activationLink(origin, token), expires, given.relatedPerson !== undefined));
          } catch {
            throw transient('The invitation could not be mailed; nothing was stored. Try again later.');
          }
        },
      ),
    );
    const body: Parameters = {
      resourceType: 'Parameters',
      parameter: [
        { name: 'expires', valueInstant: expiresAt.toISOString() },
        { name: 'sentTo', valueString: maskEmail(email) },
      ],
    };
    return { status: 200, headers: {}, body };
  } catch (err) {
    if (err instanceof AccountError && err.code === 'already-active') throw conflict(`${fhirUser} already has an active portal account`);
    throw err;
  }
}
