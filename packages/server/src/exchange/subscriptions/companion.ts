/**
 * The Subscriptions' hooks in the store's write path (store/companions.ts), run in the transaction
 * of the write: a clinical write that enters a topic's state records one delivery per active
 * Subscription it concerns (outbox.ts); a Subscription write is validated (backport.ts), mirrored
 * into the table the first lookup uses, and a requested one queues its handshake. Neither derives
 * resources. A write no topic can fire on (a vital sign, a draft report) costs nothing extra.
 */
import type { Extension, Resource, Subscription } from '@medplum/fhirtypes';
import { unprocessable } from '@continuum/fhir';
import type { Companion } from '../../store/companions.ts';
import { readSubscription } from './backport.ts';
import { dropTarget, queueHandshake, readTarget, recordEvents, saveTarget } from './outbox.ts';
import { mayBeEvent, topicEvents, TOPIC_TYPES } from './topics.ts';

/** Extension on a Subscription a partner made ($partner-subscribe): Reference to its Organization. */
export const PARTNER_SUBSCRIBER_EXT = 'https://continuum.example/fhir/StructureDefinition/subscription-partner';

const eventCompanion: Companion = Object.assign(
  async (trigger: Parameters<Companion>[0], repo: Parameters<Companion>[1]) => {
    const { resource } = trigger;
    if (!resource || !mayBeEvent(resource)) return [];
    const previous = trigger.previousVersion > 0 ? await previousVersion(repo, trigger.resourceType, trigger.id, trigger.previousVersion) : undefined;
    const events = topicEvents(resource, previous);
    if (events.length > 0) {
      await recordEvents(repo.queryable, repo.tenantId, { type: trigger.resourceType, id: trigger.id, version: Number(resource.meta?.versionId ?? 1) }, events);
    }
    return [];
  },
  { wants: mayBeEvent },
);

async function previousVersion(repo: Parameters<Companion>[1], type: string, id: string, version: number): Promise<Resource | undefined> {
  // A deletion as the previous version reads as none (410): the resource enters its state anew.
  const stored = await repo.vreadStored(type, id, String(version)).catch(() => undefined);
  return stored?.content ? (JSON.parse(stored.content) as Resource) : undefined;
}

const subscriptionCompanion: Companion = async (trigger, repo) => {
  const q = repo.queryable;
  if (!trigger.resource) {
    await dropTarget(q, repo.tenantId, trigger.id);
    return [];
  }
  const s = trigger.resource as Subscription;
  const settings = readSubscription(s);
  const before = await readTarget(q, repo.tenantId, trigger.id);
  if (s.status === 'active' && !(before?.verified && (before.status === 'active' || before.status === 'requested'))) {
    throw unprocessable('A Subscription becomes active after its handshake: create it (or set it) as requested', ['Subscription.status']);
  }
  const partner = (s.extension ?? []).find((e: Extension) => e.url === PARTNER_SUBSCRIBER_EXT)?.valueReference?.reference;
  const partnerOrg = partner?.startsWith('Organization/') ? partner.slice('Organization/'.length) : null;
  const requested = s.status === 'requested';
  await saveTarget(q, {
    tenantId: repo.tenantId,
    subscriptionId: trigger.id,
    topic: settings.topic,
    patientId: settings.patient ?? null,
    status: s.status,
    partnerOrg,
    ...(requested ? { verified: false } : {}),
  });
  if (requested && before?.status !== 'requested') await queueHandshake(q, repo.tenantId, trigger.id, settings.topic);
  return [];
};

/** The companions to register (server's companions.ts). */
export function subscriptionCompanions(): [string, Companion][] {
  return [...TOPIC_TYPES.map((t) => [t, eventCompanion] as [string, Companion]), ['Subscription', subscriptionCompanion]];
}
