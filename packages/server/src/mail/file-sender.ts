/**
 * Writing each message as an RFC 5322 `.eml` file (built by nodemailer, as it would be sent) into
 * a folder: for tests, and for air-gapped installs where another tool carries the files on. Each
 * file is written under a temporary name and renamed, so a reader never sees half a message; it
 * is private to the server's user (0600; the folder, when this creates it, 0700), since it holds a
 * live reset link.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Transporter } from 'nodemailer';
import type { MailMessage, MailSender } from './mail-sender.ts';

export class FileMailSender implements MailSender {
  readonly transport = 'file';
  /** nodemailer is loaded on the first message, not at start-up. */
  private composer: Promise<Transporter> | undefined;

  constructor(
    private readonly dir: string,
    private readonly from: string,
  ) {}

  async send(message: MailMessage): Promise<void> {
    this.composer ??= import('nodemailer').then((m) => m.createTransport({ streamTransport: true, buffer: true, newline: 'windows' }));
    const info = await (await this.composer).sendMail({ from: this.from, to: message.to, subject: message.subject, text: message.text, ...(message.html !== undefined ? { html: message.html } : {}) });
    const eml = info.message;
    if (!Buffer.isBuffer(eml)) throw new Error('the mail composer gave no message');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(6).toString('hex')}`;
    const tmp = join(this.dir, `.${name}.tmp`);
    writeFileSync(tmp, eml, { mode: 0o600, flag: 'wx' });
    renameSync(tmp, join(this.dir, `${name}.eml`));
  }
}
