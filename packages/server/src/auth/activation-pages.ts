/**
 * `/portal/activate?token=...`: the page a portal invitation's link opens (identity/invitations.ts).
 * GET shows the form: a username (the invited address by default) and a password (the password
 * policy), twice. POST creates the patient or proxy account and redirects to `/portal/`, where the
 * portal signs the new user in. A used, voided or expired link answers 410, an unknown one 404,
 * both as a page saying what to do. The form carries a CSRF token bound to a cookie set by its
 * own page (as the forgot-password form does); POSTs are rate-limited per address.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../db/database.ts';
import { ACTIVATE_PATH, maskEmail } from '../identity/invitation-mail.ts';
import { InvitationService, type OpenInvitation } from '../identity/invitations.ts';
import { AccountError } from '../identity/types.ts';
import type { AuditSink } from './audit-sink.ts';
import { cookieValue, sendPage, type FormSigner } from './forms.ts';
import { escapeHtml, page } from './html.ts';
import type { RateLimiter } from './rate-limit.ts';

const COOKIE = 'continuum_activate';
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

export interface ActivationPagesDeps {
  db: Database;
  audit: AuditSink;
  defaultTenant: string;
  signer: FormSigner;
  limiter: RateLimiter;
  secureCookies: boolean;
}

const portalPage = (title: string, body: string): string => page(title, body, { portal: true });

export class ActivationPages {
  constructor(private readonly deps: ActivationPagesDeps) {}

  register(scope: FastifyInstance): void {
    scope.get(ACTIVATE_PATH, (req, reply) => this.form(req, reply, text((req.query as { token?: unknown }).token)));
    scope.post(ACTIVATE_PATH, (req, reply) => this.activate(req, reply));
  }

  private async form(req: FastifyRequest, reply: FastifyReply, token: string, error?: string, username?: string): Promise<FastifyReply> {
    const found = await new InvitationService(this.deps.db).check(this.deps.defaultTenant, token);
    if (found.state !== 'open') return this.notOpen(reply, found.state);
    let nonce = cookieValue(req.headers.cookie, COOKIE);
    if (!nonce || !/^[A-Za-z0-9_-]{22}$/.test(nonce)) {
      nonce = randomBytes(16).toString('base64url');
      void reply.header('set-cookie', `${COOKIE}=${nonce}; Path=${ACTIVATE_PATH}; HttpOnly; SameSite=Strict; Max-Age=3600${this.deps.secureCookies ? '; Secure' : ''}`);
    }
    return sendPage(reply, error ? 400 : 200, this.formPage(found.invitation, token, this.deps.signer.sign(`activate:${nonce}`), error, username));
  }

  private formPage(inv: OpenInvitation, token: string, csrf: string, error?: string, username?: string): string {
    const who = inv.kind === 'proxy' ? 'You are invited to help manage the health record of someone you care for.' : 'You are invited to see your health record, book visits and message your care team.';
    return portalPage(
      'Activate your account',
      `<h1>Activate your MyHealth account</h1><p class="sub">${who} The invitation was sent to ${escapeHtml(maskEmail(inv.email))}. Choose how you will sign in.</p>${error ? `<div class="error" role="alert">${escapeHtml(error)}</div>` : ''}
<form method="post" action="${ACTIVATE_PATH}"><input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="token" value="${escapeHtml(token)}">
<label for="username">User name</label><input type="text" id="username" name="username" autocomplete="username" required maxlength="128" value="${escapeHtml(username ?? inv.email)}">
<label for="password">Password</label><input type="password" id="password" name="password" autocomplete="new-password" required minlength="12" aria-describedby="password-rule">
<p class="sub" id="password-rule" style="margin:4px 0 0">At least 12 characters, not your user name, not a common password.</p>
<label for="confirm">Password again</label><input type="password" id="confirm" name="confirm" autocomplete="new-password" required minlength="12">
<button type="submit">Create my account</button></form>`,
    );
  }

  private notOpen(reply: FastifyReply, state: 'spent' | 'unknown'): FastifyReply {
    if (state === 'spent') {
      return sendPage(reply, 410, portalPage('Invitation no longer valid', '<h1>This invitation link no longer works</h1><p class="sub">It was already used, replaced by a newer invitation, or it expired (links work for 7 days). If you already activated your account, <a href="/portal/">sign in to MyHealth</a>. Otherwise ask your clinic to send a new invitation.</p>'));
    }
    return sendPage(reply, 404, portalPage('Invitation not found', '<h1>We could not find this invitation</h1><p class="sub">Check that you opened the whole link from the email, or ask your clinic to send a new invitation.</p>'));
  }

  private async activate(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { db, audit, defaultTenant } = this.deps;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const token = text(body.token);
    const nonce = cookieValue(req.headers.cookie, COOKIE);
    if (!nonce || !this.deps.signer.verify(`activate:${nonce}`, body.csrf)) {
      return sendPage(reply, 403, portalPage('Refused', `<h1>Refused</h1><p class="sub">The form was not sent from this page. Open the link from your invitation email again.</p>`));
    }
    if (!this.deps.limiter.take(`activate:${req.ip}`)) return sendPage(reply, 429, portalPage('Too many attempts', '<h1>Too many attempts</h1><p class="sub">Wait a minute before trying again.</p>'));
    const username = text(body.username).trim();
    if (text(body.password) !== text(body.confirm)) return this.form(req, reply, token, 'The two passwords are not the same.', username);
    try {
      const account = await db.transaction((tx) => new InvitationService(tx).accept(defaultTenant, token, username, text(body.password)));
      await audit.record({ tenant: defaultTenant, action: 'permission-change', outcome: 'success', priority: 'high', userId: account.id, username: account.username, sourceIp: req.ip, detail: `portal account activated by invitation (${account.kind})` });
      return reply.code(303).header('location', '/portal/').header('cache-control', 'no-store').send();
    } catch (err) {
      if (!(err instanceof AccountError)) throw err;
      if (err.code === 'invalid-token') return this.form(req, reply, token);
      if (err.code === 'already-active') {
        return sendPage(reply, 409, portalPage('Already activated', '<h1>This account is already active</h1><p class="sub"><a href="/portal/">Sign in to MyHealth</a>. Forgot the password? Use “Forgot your password?” on the sign-in page.</p>'));
      }
      const reasons = err.reasons.length ? err.reasons.join('; ') : err.message;
      return this.form(req, reply, token, `Not created: ${reasons}.`, username);
    }
  }
}
