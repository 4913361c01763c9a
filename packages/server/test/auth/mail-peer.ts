/**
 * Mail test helpers: a real SMTP peer (smtp-server, from nodemailer's maintainers) on a random
 * local port that keeps what it receives, optionally over TLS and with a user and password it
 * checks; and a small reader of the RFC 5322 messages the senders produce (multipart parts,
 * quoted-printable or base64), so that tests assert on the decoded text a user would read.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

export interface Received {
  envelopeTo: string[];
  user: string | undefined;
  raw: string;
}

export interface SmtpPeer {
  port: number;
  received: Received[];
  /** Resolves with the `n`-th message (1-based) once it has arrived. */
  message(n: number, timeoutMs?: number): Promise<Received>;
  close(): Promise<void>;
}

export async function startSmtpPeer(opts: { secure?: boolean; user?: string; pass?: string; refuseRecipients?: boolean } = {}): Promise<SmtpPeer> {
  const received: Received[] = [];
  const server = new SMTPServer({
    secure: opts.secure ?? false,
    logger: false,
    // Plain SMTP on loopback in tests: no STARTTLS, and AUTH allowed without it.
    disabledCommands: opts.secure ? [] : ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: opts.user === undefined,
    onAuth(auth, _session, callback) {
      if (auth.username === opts.user && auth.password === opts.pass) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onRcptTo(address, _session, callback) {
      if (opts.refuseRecipients) callback(new Error(`<${address.address}>: Recipient address rejected: User unknown`));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), user: typeof session.user === 'string' ? session.user : undefined, raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    async message(n, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (received.length < n) {
        if (Date.now() > until) throw new Error(`no message ${n} within ${timeoutMs} ms (got ${received.length})`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return received[n - 1]!;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface ReadMessage {
  header(name: string): string | undefined;
  text: string;
  html: string | undefined;
}

function splitHead(raw: string): { headers: Map<string, string>; body: string } {
  const at = raw.indexOf('\r\n\r\n') >= 0 ? raw.indexOf('\r\n\r\n') : raw.indexOf('\n\n');
  const head = raw.slice(0, at).replace(/\r?\n[ \t]+/g, ' ');
  const body = raw.slice(at).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string>();
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function decode(body: string, encoding: string | undefined): string {
  switch ((encoding ?? '7bit').toLowerCase()) {
    case 'quoted-printable':
      return Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    default:
      return body;
  }
}

/** Reads a message: its headers, and its text and HTML parts decoded (line ends as \n). */
export function readMessage(raw: string): ReadMessage {
  const { headers, body } = splitHead(raw);
  const parts: { type: string; content: string }[] = [];
  const type = headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (boundary) {
    for (const piece of body.split(`--${boundary}`).slice(1)) {
      if (piece.startsWith('--')) break;
      const part = splitHead(piece.replace(/^\r?\n/, ''));
      parts.push({ type: part.headers.get('content-type') ?? 'text/plain', content: decode(part.body, part.headers.get('content-transfer-encoding')) });
    }
  } else {
    parts.push({ type, content: decode(body, headers.get('content-transfer-encoding')) });
  }
  const find = (t: string): string | undefined => parts.find((p) => p.type.toLowerCase().startsWith(t))?.content.replace(/\r\n/g, '\n');
  return { header: (name) => headers.get(name.toLowerCase()), text: find('text/plain') ?? '', html: find('text/html') };
}

/** The `.eml` files in `dir`, oldest first (their names start with the time written). */
export function emlFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.eml')).sort().map((f) => join(dir, f));
  } catch {
    return [];
  }
}

export const readEml = (path: string): ReadMessage => readMessage(readFileSync(path, 'utf8'));
