/**
 * Sending through a mail relay over SMTP (STARTTLS when the relay offers it) or SMTPS, with
 * nodemailer. One connection per message: reset links are rare, and no pool outlives a request
 * that failed. Timeouts are short, so a relay that does not answer fails the send within seconds
 * instead of holding it for minutes. Errors never carry the relay's password, nor an email
 * address (a relay's refusal often quotes the recipient, who may be a patient).
 */
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { Transporter } from 'nodemailer';
import type { MailMessage, MailSender } from './mail-sender.ts';

const ADDRESS = /[^\s<>()[\]"',;:]+@[^\s<>()[\]"',;:]+/g;

export class SmtpMailSender implements MailSender {
  readonly transport = 'smtp';
  private readonly options: SMTPTransport.Options;
  /** nodemailer is loaded on the first message, not at start-up. */
  private transporter: Promise<Transporter> | undefined;
  private readonly where: string;

  constructor(url: string, private readonly from: string) {
    const u = new URL(url);
    this.where = `${u.protocol}//${u.host}`;
    const secure = u.protocol === 'smtps:';
    this.options = {
      host: u.hostname.replace(/^\[|\]$/g, ''),
      ...(u.port ? { port: Number(u.port) } : {}),
      secure,
      ...(u.username ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } } : {}),
      requireTLS: u.searchParams.get('requireTLS') === 'true',
      tls: { rejectUnauthorized: u.searchParams.get('tls.rejectUnauthorized') !== 'false' },
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    };
  }

  async send(message: MailMessage): Promise<void> {
    try {
      this.transporter ??= import('nodemailer').then((m) => m.createTransport(this.options));
      await (await this.transporter).sendMail({ from: this.from, to: message.to, subject: message.subject, text: message.text, ...(message.html !== undefined ? { html: message.html } : {}) });
    } catch (err) {
      // nodemailer's messages name the relay and the SMTP reply, not the credentials.
      const reason = (err instanceof Error ? err.message : String(err)).replace(ADDRESS, '<address>');
      throw new Error(`mail relay ${this.where} refused or failed: ${reason}`);
    }
  }
}
