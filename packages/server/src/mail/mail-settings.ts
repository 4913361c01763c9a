/**
 * `CONTINUUM_MAIL`: how the server sends mail (password-reset links, later invitations).
 * - `console` (the default): nothing is sent; the console sender prints that a message was
 *   "sent" and the links in it, for a developer;
 * - `smtp://[user:pass@]host[:port]` or `smtps://...` (TLS from the first byte): a mail relay,
 *   through nodemailer. Query options: `requireTLS=true` refuses to send unless STARTTLS
 *   succeeds; `tls.rejectUnauthorized=false` accepts a relay's self-signed certificate;
 * - `file:<dir>`: each message is written as an `.eml` file into the folder (tests, air-gapped
 *   installs where another tool carries the files).
 * Parsing only; the senders are in mail-sender.ts. A URL's password is never repeated in an error.
 */
import { resolve } from 'node:path';

export type MailSettings =
  | { transport: 'console' }
  | { transport: 'smtp'; url: string }
  | { transport: 'file'; dir: string };

const SMTP_OPTIONS = new Set(['requireTLS', 'tls.rejectUnauthorized']);

export function parseMailSetting(value: string | undefined): MailSettings {
  const raw = (value ?? '').trim();
  if (raw === '' || raw === 'console') return { transport: 'console' };
  if (raw.startsWith('file:')) {
    const dir = raw.slice('file:'.length).replace(/^\/\/(?=\/)/, '');
    if (dir === '') throw new Error('CONTINUUM_MAIL=file:<dir> needs a folder, as in file:./data/mail');
    return { transport: 'file', dir: resolve(dir) };
  }
  if (/^smtps?:\/\//i.test(raw)) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new Error('CONTINUUM_MAIL is not a valid smtp:// or smtps:// URL (percent-encode special characters in the user and password)');
    }
    if (!url.hostname) throw new Error('CONTINUUM_MAIL: the smtp URL names no host');
    if (url.pathname !== '' && url.pathname !== '/') throw new Error('CONTINUUM_MAIL: an smtp URL has no path');
    for (const [name, v] of url.searchParams) {
      if (!SMTP_OPTIONS.has(name)) throw new Error(`CONTINUUM_MAIL: unknown smtp option '${name}' (known: ${[...SMTP_OPTIONS].join(', ')})`);
      if (v !== 'true' && v !== 'false') throw new Error(`CONTINUUM_MAIL: ${name} must be true or false`);
    }
    return { transport: 'smtp', url: raw };
  }
  throw new Error('CONTINUUM_MAIL must be console, smtp://user:pass@host:port, smtps://user:pass@host:port or file:<dir>');
}

/** The setting for a log line: an smtp URL without its user and password. */
export function describeMailSetting(s: MailSettings): string {
  switch (s.transport) {
    case 'console':
      return 'console (printed, not sent)';
    case 'file':
      return `.eml files in ${s.dir}`;
    case 'smtp': {
      const u = new URL(s.url);
      return `${u.protocol}//${u.host}`;
    }
    default: {
      const never: never = s;
      return String(never);
    }
  }
}
