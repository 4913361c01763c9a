/**
 * `continuum users invite PATIENT_ID [--email E] [--related-person ID]`: the command-line twin of
 * `$portal-invite` (portal/accounts/portal-invite.ts), for a clinic without the staff app at hand:
 * it mails the patient (or the proxy) a one-time link to the portal's activation page, through
 * CONTINUUM_MAIL, with the same rules (identity/invitations.ts). Refusals are AccountErrors.
 */
import type { Patient, RelatedPerson } from '@medplum/fhirtypes';
import type { Database } from '../db/database.ts';
import type { MailSender } from '../mail/mail-sender.ts';
import { readCurrent } from '../store/store.ts';
import { InvitationMailError, inviteByMail, maskEmail } from './invitation-mail.ts';
import { invitee } from './invitations.ts';
import { AccountError } from './types.ts';
import type { UsersArgs } from './users-args.ts';

async function current<T>(db: Database, tenant: string, type: string, id: string): Promise<T> {
  const found = await readCurrent(db, tenant, type, id);
  if (!found || found.deleted || found.content === null) throw new AccountError('not-found', `no ${type}/${id} in tenant '${tenant}'`);
  return JSON.parse(found.content) as T;
}

/** Sends the invitation; returns the line to print. */
export async function inviteCommand(args: UsersArgs, db: Database, tenant: string, defaultTenant: string, mail: { sender: MailSender; base: string | undefined } | undefined): Promise<string> {
  // The activation page serves the configured tenant only: a link for another would not work.
  if (tenant !== defaultTenant) throw new AccountError('invalid', `the server's activation page serves tenant '${defaultTenant}' (CONTINUUM_TENANT); an invitation for tenant '${tenant}' would not work there`);
  if (!mail?.base) throw new AccountError('invalid', 'set CONTINUUM_BASE_URL to the public address of the server, so that the link points at its activation page');
  const patient = await current<Patient>(db, tenant, 'Patient', args.patient!);
  const proxy = args.relatedPerson ? await current<RelatedPerson>(db, tenant, 'RelatedPerson', args.relatedPerson) : undefined;
  const invitation = invitee(tenant, patient, proxy, args.email);
  try {
    const { expiresAt } = await db.transaction((tx) => inviteByMail(tx, mail.sender, mail.base!, invitation));
    return `${invitation.fhirUser}: invitation mailed to ${maskEmail(invitation.email)} (${mail.sender.transport}), valid until ${expiresAt.toISOString()}; it works once, and replaces any earlier one`;
  } catch (err) {
    if (err instanceof InvitationMailError) throw new AccountError('invalid', err.message);
    throw err;
  }
}
