/**
 * The password-reset pages of the default tenant:
 * - `/auth/forgot` ("Forgot your password?", linked from the sign-in page): a user enters a
 *   username or email address and a one-time link is mailed to the address of every enabled
 *   account it names. The answer is the same page, in the same time, whether or not an account
 *   matched: the lookup, the token and the mail happen after the reply has gone, and their
 *   outcome goes to the audit trail only. A CSRF token bound to a cookie set by the form's page;
 *   well-formed requests are rate-limited per address (429) and, silently, per identifier (so
 *   nobody's mailbox can be flooded).
 * - `/auth/reset?token=...`: the link's page, where the token sets a new password once (a
 *   password the policy refuses does not spend it).
 *
 * Links point at `CONTINUUM_BASE_URL`. Without it they may only be built from the request's
 * Host header for the console sender (the link goes to the developer's terminal): with a real
 * sender, a forged Host would mail the user a link to someone else's site, so the forgot page is
 * not offered at all.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../db/database.ts';
import { PasswordResetService } from '../identity/password-reset.ts';
import { ResetLinkMailer, type ResetRequestOutcome } from '../identity/reset-mail.ts';
import { AccountError } from '../identity/types.ts';
import type { MailSender } from '../mail/mail-sender.ts';
import type { AuditRecord, AuditSink } from './audit-sink.ts';
import { cookieValue, sendPage, type FormSigner } from './forms.ts';
import { escapeHtml, page } from './html.ts';
import { RateLimiter } from './rate-limit.ts';

export const FORGOT_PATH = '/auth/forgot';
const COOKIE = 'continuum_forgot';
const UID = /^[A-Za-z0-9_-]{1,64}$/;
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

export interface ResetPagesDeps {
  db: Database;
  audit: AuditSink;
  defaultTenant: string;
  signer: FormSigner;
  /** Attempts per client address (shared with the sign-in page). */
  limiter: RateLimiter;
  secureCookies: boolean;
  mail: MailSender;
  /** The public base URL, when configured. */
  baseUrl?: string;
  /** The request's own origin (used for links only with the console sender). */
  originOf: (req: FastifyRequest) => string;
  interactionPath: string;
  /** Operator messages (never a recipient or a token). */
  log: (line: string) => void;
}

const tooMany = page('Too many attempts', '<h1>Too many attempts</h1><p class="sub">Wait a minute before trying again.</p>');

export class ResetPages {
  /** Links mailed per identifier: three, then one every five minutes. */
  private readonly perIdentifier = new RateLimiter({ perMinute: 0.2, burst: 3 });
  private readonly pending = new Set<Promise<void>>();
  private readonly mailer: ResetLinkMailer;

  constructor(private readonly deps: ResetPagesDeps) {
    this.mailer = new ResetLinkMailer({ db: deps.db, mail: deps.mail });
  }

  /** Whether users may ask for a link themselves (see the module comment). */
  get selfService(): boolean {
    return this.deps.baseUrl !== undefined || this.deps.mail.transport === 'console';
  }

  /** The sign-in page's link to the forgot page (in the portal's look for the portal), or nothing when it is not offered. */
  forgotLink(uid: string, portal = false): string {
    return this.selfService ? `<p class="sub" style="margin-top:18px;text-align:center"><a href="${FORGOT_PATH}?uid=${encodeURIComponent(uid)}${portal ? '&amp;portal=1' : ''}">Forgot your password?</a></p>` : '';
  }

  /** Resolves when every mail the forgot page scheduled has been handled (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  register(scope: FastifyInstance): void {
    scope.get(FORGOT_PATH, (req, reply) => this.forgotForm(req, reply));
    scope.post(FORGOT_PATH, (req, reply) => this.forgot(req, reply));
    scope.get('/auth/reset', async (req, reply) => {
      const token = text((req.query as { token?: unknown }).token);
      return sendPage(reply, 200, this.resetPage(token, await this.forPortal(token)));
    });
    scope.post('/auth/reset', (req, reply) => this.reset(req, reply));
  }

  /** Whether a reset link belongs to a patient or proxy account: its page then has the portal's look. */
  private async forPortal(token: string): Promise<boolean> {
    const kind = await new PasswordResetService(this.deps.db).accountKind(this.deps.defaultTenant, token);
    return kind === 'patient' || kind === 'proxy';
  }

  private notOffered(reply: FastifyReply): FastifyReply {
    return sendPage(reply, 404, page('Not available', '<h1>Password reset by email is not set up here</h1><p class="sub">Ask your administrator for a reset link.</p>'));
  }

  private async forgotForm(req: FastifyRequest, reply: FastifyReply, error?: string): Promise<FastifyReply> {
    if (!this.selfService) return this.notOffered(reply);
    const uid = text((req.query as { uid?: unknown }).uid) || text((req.body as { uid?: unknown } | undefined)?.uid);
    // The portal's sign-in page links here with portal=1: the same form, in the portal's look.
    const portal = text((req.query as { portal?: unknown }).portal) === '1' || text((req.body as { portal?: unknown } | undefined)?.portal) === '1';
    let nonce = cookieValue(req.headers.cookie, COOKIE);
    if (!nonce || !/^[A-Za-z0-9_-]{22}$/.test(nonce)) {
      nonce = randomBytes(16).toString('base64url');
      void reply.header('set-cookie', `${COOKIE}=${nonce}; Path=${FORGOT_PATH}; HttpOnly; SameSite=Strict; Max-Age=3600${this.deps.secureCookies ? '; Secure' : ''}`);
    }
    const err = error ? `<div class="error" role="alert">${escapeHtml(error)}</div>` : '';
    return sendPage(
      reply,
      error ? 400 : 200,
      page(
        'Forgot your password?',
        `<h1>Forgot your password?</h1><p class="sub">Enter your user name or the email address of your account. We will email you a link to choose a new password.</p>${err}
<form method="post" action="${FORGOT_PATH}"><input type="hidden" name="csrf" value="${this.deps.signer.sign(`forgot:${nonce}`)}">${UID.test(uid) ? `<input type="hidden" name="uid" value="${uid}">` : ''}${portal ? '<input type="hidden" name="portal" value="1">' : ''}
<label for="identifier">User name or email</label><input type="text" id="identifier" name="identifier" autocomplete="username" maxlength="254" required autofocus>
<button type="submit">Send the link</button></form>${this.backLink(uid)}`,
        { portal },
      ),
    );
  }

  private backLink(uid: string): string {
    return UID.test(uid) ? `<p class="sub" style="margin-top:18px;text-align:center"><a href="${this.deps.interactionPath}${uid}">Back to sign in</a></p>` : '';
  }

  private async forgot(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    if (!this.selfService) return this.notOffered(reply);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const nonce = cookieValue(req.headers.cookie, COOKIE);
    if (!nonce || !this.deps.signer.verify(`forgot:${nonce}`, body.csrf)) {
      return sendPage(reply, 403, page('Refused', `<h1>Refused</h1><p class="sub">The form was not sent from this page. <a href="${FORGOT_PATH}">Open it again</a>.</p>`));
    }
    const identifier = typeof body.identifier === 'string' ? body.identifier.trim() : '';
    if (identifier === '' || identifier.length > 254 || /[\u0000-\u001f\u007f]/.test(identifier)) return this.forgotForm(req, reply, 'Enter your user name or email address.');
    // Counted once the request is one that costs something (a lookup, perhaps a mail).
    if (!this.deps.limiter.take(`forgot:${req.ip}`)) return sendPage(reply, 429, tooMany);
    const base = this.deps.baseUrl ?? this.deps.originOf(req);
    this.track(this.requestLink(identifier, base, req.ip));
    const uid = typeof body.uid === 'string' ? body.uid : '';
    return sendPage(
      reply,
      200,
      page(
        'Check your email',
        `<h1>Check your email</h1><p class="sub">If an account matches what you entered and has an email address, a link to choose a new password is on its way. It works once, within an hour. Nothing arrived? Check the spam folder, or ask ${body.portal === '1' ? 'your clinic' : 'your administrator'}.</p>${this.backLink(uid)}`,
        { portal: body.portal === '1' },
      ),
    );
  }

  private track(work: Promise<void>): void {
    const p = work.catch((err: unknown) => this.deps.log(`password reset: a requested link was not handled: ${err instanceof Error ? err.message : String(err)}`));
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** After the reply: the lookup, the links, the mail, and the audit entries of what happened. */
  private async requestLink(identifier: string, base: string, sourceIp: string): Promise<void> {
    const tenant = this.deps.defaultTenant;
    const entry = { tenant, action: 'permission-change', sourceIp } as const;
    if (!this.perIdentifier.take(`${tenant}:${identifier.toLowerCase()}`)) {
      await this.deps.audit.record({ ...entry, outcome: 'denied', username: identifier, detail: 'password reset link not sent: too many requests for this user name or email' });
      return;
    }
    const outcomes = await this.mailer.request(tenant, identifier, base);
    if (outcomes.length === 0) {
      await this.deps.audit.record({ ...entry, outcome: 'failure', username: identifier, detail: 'password reset link requested for no known user name or email' });
      return;
    }
    for (const o of outcomes) {
      if (o.outcome === 'failed') this.deps.log(`password reset: the link could not be mailed (${this.deps.mail.transport}): ${o.error}`);
      await this.deps.audit.record({ ...entry, ...outcomeEntry(o), userId: o.account.id, username: o.account.username });
    }
  }

  private resetPage(token: string, portal: boolean, error?: string): string {
    return page(
      'Choose a new password',
      `<h1>Choose a new password</h1><p class="sub">At least 12 characters, not your user name, not a common password.</p>${error ? `<div class="error" role="alert">${escapeHtml(error)}</div>` : ''}
<form method="post" action="/auth/reset"><input type="hidden" name="token" value="${escapeHtml(token)}">
<label for="password">New password</label><input type="password" id="password" name="password" autocomplete="new-password" required minlength="12">
<label for="confirm">New password again</label><input type="password" id="confirm" name="confirm" autocomplete="new-password" required minlength="12">
<button type="submit">Set password</button></form>`,
      { portal },
    );
  }

  /** The token is spent only by a password the policy accepts. */
  private async reset(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { db, audit, defaultTenant } = this.deps;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const token = text(body.token);
    if (!this.deps.limiter.take(`reset:${req.ip}`)) return sendPage(reply, 429, tooMany);
    const portal = await this.forPortal(token);
    if (text(body.password) !== text(body.confirm)) return sendPage(reply, 400, this.resetPage(token, portal, 'The two passwords are not the same.'));
    try {
      const account = await new PasswordResetService(db).complete(defaultTenant, token, text(body.password));
      await audit.record({ tenant: defaultTenant, action: 'permission-change', outcome: 'success', priority: 'high', userId: account.id, username: account.username, sourceIp: req.ip, detail: 'password reset by one-time link' });
      const back = portal ? ' <a href="/portal/">Open MyHealth</a>' : '';
      return sendPage(reply, 200, page('Password changed', `<h1>Password changed</h1><p class="sub">Your new password is set. Go back to the app and sign in with it.${back}</p>`, { portal }));
    } catch (err) {
      if (!(err instanceof AccountError)) throw err;
      await audit.record({ tenant: defaultTenant, action: 'permission-change', outcome: 'failure', sourceIp: req.ip, detail: `password reset refused: ${err.code}` });
      const reasons = err.reasons.length ? err.reasons.join('; ') : err.message;
      return sendPage(reply, 400, this.resetPage(token, portal, `Not changed: ${reasons}.`));
    }
  }
}

function outcomeEntry(o: ResetRequestOutcome): Pick<AuditRecord, 'outcome' | 'priority' | 'detail'> {
  switch (o.outcome) {
    case 'sent':
      return { outcome: 'success', priority: 'high', detail: 'password reset link mailed (forgot-password page)' };
    case 'no-email':
      return { outcome: 'failure', detail: 'password reset link not sent: the account has no email address' };
    case 'disabled':
      return { outcome: 'failure', detail: 'password reset link not sent: the account is disabled' };
    case 'failed':
      return { outcome: 'failure', detail: 'password reset link not sent: the mail transport failed' };
    default: {
      const never: never = o;
      return never;
    }
  }
}
