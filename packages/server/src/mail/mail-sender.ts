/**
 * The one interface every mail transport implements, and the factory that picks one from the
 * configuration (mail-settings.ts). A message is plain text with an optional HTML alternative;
 * `send` resolves once the transport has accepted it (relay, file, console) and rejects when it
 * did not. Senders never log a message's recipient or body: they may identify a patient.
 */
import { ConsoleMailSender } from './console-sender.ts';
import { FileMailSender } from './file-sender.ts';
import type { MailSettings } from './mail-settings.ts';
import { SmtpMailSender } from './smtp-sender.ts';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface MailSender {
  /** What kind of transport this is (`console`, `smtp`, `file`). */
  readonly transport: MailSettings['transport'];
  send(message: MailMessage): Promise<void>;
}

export interface MailSenderOptions {
  /** The From address of every message. */
  from: string;
  /** Where the console sender prints (default: stdout). */
  print?: (line: string) => void;
}

export function createMailSender(settings: MailSettings, opts: MailSenderOptions): MailSender {
  switch (settings.transport) {
    case 'console':
      return new ConsoleMailSender(opts.print ?? ((line) => void process.stdout.write(`${line}\n`)));
    case 'file':
      return new FileMailSender(settings.dir, opts.from);
    case 'smtp':
      return new SmtpMailSender(settings.url, opts.from);
    default: {
      const never: never = settings;
      throw new Error(`unknown mail transport ${JSON.stringify(never)}`);
    }
  }
}
