/**
 * The notification Bundles of the R4 backport: a `history` Bundle whose first entry is the
 * SubscriptionStatus Parameters (subscription, topic, status, type, events-since-subscription-start
 * and, for an event, one notification-event with its number, time and focus), followed for an
 * event by the focus entry: its full URL and request only (id-only), or the resource as well
 * (full-resource). The same status Parameters answer `$status`. No I/O here.
 */
import { randomUUID } from 'node:crypto';
import type { Bundle, BundleEntry, Parameters, ParametersParameter, Resource } from '@medplum/fhirtypes';
import { NOTIFICATION_PROFILE, STATUS_PROFILE, type PayloadContent } from './backport.ts';

export type NotificationType = 'handshake' | 'heartbeat' | 'event-notification' | 'query-status';

export interface StatusInput {
  /** The FHIR base, e.g. `http://host/fhir`. */
  base: string;
  subscriptionId: string;
  topic: string;
  status: string;
  type: NotificationType;
  eventsSinceStart: number;
  event?: { number: number; timestamp: string; focus: string };
  error?: string;
}

export function statusParameters(s: StatusInput): Parameters {
  const parameter: ParametersParameter[] = [
    { name: 'subscription', valueReference: { reference: `${s.base}/Subscription/${s.subscriptionId}` } },
    { name: 'topic', valueCanonical: s.topic },
    { name: 'status', valueCode: s.status },
    { name: 'type', valueCode: s.type },
    // R4 has no integer64: the backport carries the count as a string.
    { name: 'events-since-subscription-start', valueString: String(s.eventsSinceStart) },
  ];
  if (s.event) {
    parameter.push({
      name: 'notification-event',
      part: [
        { name: 'event-number', valueString: String(s.event.number) },
        { name: 'timestamp', valueInstant: s.event.timestamp },
        { name: 'focus', valueReference: { reference: `${s.base}/${s.event.focus}` } },
      ],
    });
  }
  if (s.error) parameter.push({ name: 'error', valueCodeableConcept: { text: s.error } });
  return { resourceType: 'Parameters', id: randomUUID(), meta: { profile: [STATUS_PROFILE] }, parameter };
}

export interface NotificationInput extends StatusInput {
  content: PayloadContent;
  /** The focus as it was written (full-resource), with whether that write created it. */
  focusResource?: { resource: Resource; created: boolean };
}

export function notificationBundle(n: NotificationInput, now = new Date()): Bundle {
  const status = statusParameters(n);
  const entry: BundleEntry[] = [
    {
      fullUrl: `urn:uuid:${status.id}`,
      resource: status,
      request: { method: 'GET', url: `${n.base}/Subscription/${n.subscriptionId}/$status` },
      response: { status: '200' },
    },
  ];
  if (n.event) {
    const [type, id] = n.event.focus.split('/') as [string, string];
    const created = n.focusResource?.created ?? false;
    entry.push({
      fullUrl: `${n.base}/${n.event.focus}`,
      ...(n.content === 'full-resource' && n.focusResource ? { resource: n.focusResource.resource } : {}),
      request: { method: created ? 'POST' : 'PUT', url: created ? type : `${type}/${id}` },
      response: { status: created ? '201' : '200' },
    });
  }
  return { resourceType: 'Bundle', id: randomUUID(), meta: { profile: [NOTIFICATION_PROFILE] }, type: 'history', timestamp: now.toISOString(), entry };
}
