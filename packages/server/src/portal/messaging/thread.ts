/**
 * Portal message conventions: a message is a Communication with the portal-message category about
 * one patient; the first message of a thread carries its subject (`topic.text`); every reply points
 * at that first message (`partOf`) and at the message it answers (`inResponseTo`).
 */
import type { Communication, HumanName, Reference } from '@medplum/fhirtypes';
import { notFound } from '@continuum/fhir';
import type { ApiContext } from '../../api/types.ts';
import { idOf } from './caller.ts';

export const PORTAL_MESSAGE = { system: 'urn:continuum:communication-category', code: 'portal-message', display: 'Portal message' } as const;

export const isPortalMessage = (c: Communication): boolean =>
  c.category?.some((cat) => cat.coding?.some((x) => x.system === PORTAL_MESSAGE.system && x.code === PORTAL_MESSAGE.code)) ?? false;

/** A message of this patient's portal threads, or 404 (another patient's, or not a portal message). */
export async function readPatientMessage(ctx: ApiContext, patientId: string, id: string): Promise<Communication> {
  const message = (await ctx.repo.read('Communication', id).catch(() => undefined)) as Communication | undefined;
  if (!message || !isPortalMessage(message) || idOf(message.subject, 'Patient') !== patientId) throw notFound(`Communication/${id} is not a message of this patient`);
  return message;
}

/** The first message of the thread `message` belongs to. */
export async function threadRoot(ctx: ApiContext, patientId: string, message: Communication): Promise<Communication> {
  const rootId = idOf(message.partOf?.[0], 'Communication');
  return rootId ? readPatientMessage(ctx, patientId, rootId) : message;
}

/** "Given Family" for a reference's display. */
export function nameText(names: HumanName[] | undefined): string | undefined {
  const n = names?.[0];
  if (!n) return undefined;
  const text = n.text ?? [...(n.prefix ?? []), ...(n.given ?? []), n.family ?? ''].join(' ').trim();
  return text || undefined;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a reference to whichever type the field takes
export function ref(reference: string, display: string | undefined): Reference<any> {
  return display ? { reference, display } : { reference };
}
