/**
 * The portal invitation as mailed: the link to the activation page, how long it works, and what
 * to do with it. It names the clinic's portal and nothing about the patient's health, so it may
 * travel by ordinary mail. `inviteByMail` issues an invitation and mails it in the caller's
 * transaction (the FHIR operation's, the CLI's). Also the masked address staff see after sending.
 */
import type { Queryable } from '../db/database.ts';
import type { MailMessage, MailSender } from '../mail/mail-sender.ts';
import { InvitationService, type NewInvitation } from './invitations.ts';

export const ACTIVATE_PATH = '/portal/activate';

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const activationLink = (origin: string, token: string): string => `${origin.replace(/\/$/, '')}${ACTIVATE_PATH}?token=${encodeURIComponent(token)}`;

export function invitationMessage(to: string, link: string, expiresAt: Date, proxy: boolean): MailMessage {
  const day = expiresAt.toISOString().slice(0, 10);
  const what = proxy ? 'to see and manage the health record of the person you care for' : 'to see your health record, book visits and message your care team';
  const lines = [
    'Hello,',
    '',
    `Your clinic invites you to Continuum MyHealth, its patient portal, ${what}. Open this link to create your account (it works once, until ${day}):`,
    '',
    link,
    '',
    'If you did not expect this message, ignore it: no account is created unless you open the link.',
  ];
  const html = `<p>Hello,</p><p>Your clinic invites you to Continuum MyHealth, its patient portal, ${what}. Open this link to create your account (it works once, until ${day}):</p><p><a href="${escapeHtml(link)}">Create my account</a></p><p>If you did not expect this message, ignore it: no account is created unless you open the link.</p>`;
  return { to, subject: 'Your invitation to Continuum MyHealth', text: lines.join('\n') + '\n', html };
}

/** `jane.doe@example.org` → `j***@example.org`: enough for staff to recognise it, not to read it out. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}

/** The transport did not take the message: the invitation was not stored. */
export class InvitationMailError extends Error {
  constructor(readonly reason: string) {
    super(`the invitation could not be mailed: ${reason}`);
    this.name = 'InvitationMailError';
  }
}

/** Issues `inv` in `q` (an open transaction: a refused mail rolls it back) and mails its link below `origin`. */
export async function inviteByMail(q: Queryable, mail: MailSender, origin: string, inv: NewInvitation): Promise<{ expiresAt: Date }> {
  return new InvitationService(q).issue(inv, async (token, expiresAt) => {
    try {
      await mail.send(invitationMessage(inv.email, activationLink(origin, token), expiresAt, inv.kind === 'proxy'));
    } catch (err) {
      throw new InvitationMailError(err instanceof Error ? err.message : String(err));
    }
  });
}
