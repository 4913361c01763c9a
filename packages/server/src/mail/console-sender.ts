/**
 * The development sender: sends nothing, and prints one line saying a message would have gone
 * out (its subject) followed by the links in it, so a developer can follow a reset link from the
 * terminal. The recipient and the rest of the body are not printed: an address, a name or a
 * username in a message may identify a patient. Links carry only opaque tokens.
 */
import type { MailMessage, MailSender } from './mail-sender.ts';

const LINK = /\bhttps?:\/\/[^\s<>"']+/g;

export class ConsoleMailSender implements MailSender {
  readonly transport = 'console';

  constructor(private readonly print: (line: string) => void) {}

  async send(message: MailMessage): Promise<void> {
    const links = [...new Set(message.text.match(LINK) ?? [])];
    this.print(`mail: "${message.subject.replace(/[\r\n]+/g, ' ')}" to 1 recipient (CONTINUUM_MAIL=console: printed here, not sent)${links.length > 0 ? '; its links:' : ''}`);
    for (const link of links) this.print(`  ${link}`);
  }
}
