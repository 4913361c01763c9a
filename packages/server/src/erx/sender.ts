/**
 * Where e-prescription messages go. An `ErxSender` takes one rendered message and answers whether
 * it was sent (with the transport's id for it) or failed (with a reason fit to show a clinician:
 * no PHI). The development sender writes each message to `<dataDir>/erx-outbox/<MessageID>.xml`
 * (written under a temporary name and renamed, so a reader never sees half a file; sending the
 * same MessageID again replaces it). A network sender (Surescripts or an intermediary) implements
 * the same interface in a later integration.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ErxMessageMeta {
  messageId: string;
  /** The pharmacy's NCPDP ID, where the message is addressed. */
  to?: string;
  /** The Task that asked for the sending. */
  taskId: string;
}

export type SendResult = { status: 'sent'; id: string } | { status: 'failed'; error: string };

export interface ErxSender {
  readonly name: string;
  send(message: string, meta: ErxMessageMeta): Promise<SendResult>;
}

const SAFE_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Writes each message into `dir` (created when missing), named by its MessageID. */
export function outboxSender(dir: string): ErxSender {
  return {
    name: 'outbox',
    async send(message, meta) {
      if (!SAFE_ID.test(meta.messageId) || meta.messageId.startsWith('.')) return { status: 'failed', error: 'The message id cannot name a file' };
      await mkdir(dir, { recursive: true });
      const file = join(dir, `${meta.messageId}.xml`);
      const temp = join(dir, `.${meta.messageId}.${process.pid}.tmp`);
      await writeFile(temp, message, 'utf8');
      await rename(temp, file);
      return { status: 'sent', id: `outbox:${meta.messageId}` };
    },
  };
}

/** The sender CONTINUUM_ERX_SENDER names; undefined for `none` (messages stay ready to send). */
export function senderFor(setting: 'outbox' | 'none', dataDir: string): ErxSender | undefined {
  return setting === 'outbox' ? outboxSender(join(dataDir, 'erx-outbox')) : undefined;
}
