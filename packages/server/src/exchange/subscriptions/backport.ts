/**
 * The R4 Subscriptions backport (hl7.fhir.uv.subscriptions-backport) as this server uses it: the
 * extension and profile URLs, and the reading of a Subscription resource into the settings the
 * outbox and the delivery loop need (topic, patient filter, endpoint, payload content, headers).
 * Reading is validation: a Subscription this server cannot serve (an unknown topic, a channel
 * other than rest-hook, an endpoint that is not http(s), an unsupported filter) is refused with a
 * 422 OperationOutcome naming the field. No I/O here.
 */
import type { Subscription } from '@medplum/fhirtypes';
import { unprocessable } from '@continuum/fhir';
import { TOPICS } from '../codes.ts';

const IG = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition';
export const FILTER_CRITERIA_EXT = `${IG}/backport-filter-criteria`;
export const PAYLOAD_CONTENT_EXT = `${IG}/backport-payload-content`;
export const NOTIFICATION_PROFILE = `${IG}/backport-subscription-notification-r4`;
export const STATUS_PROFILE = `${IG}/backport-subscription-status-r4`;
export const FHIR_JSON = 'application/fhir+json';

export type PayloadContent = 'id-only' | 'full-resource';
const KNOWN_TOPICS: readonly string[] = Object.values(TOPICS);

/** The resource types each topic's events are about (what a patient filter may name). */
export const TOPIC_RESOURCES: Readonly<Record<string, readonly string[]>> = {
  [TOPICS.newResult]: ['DiagnosticReport', 'Observation'],
  [TOPICS.admission]: ['Encounter'],
  [TOPICS.discharge]: ['Encounter'],
};

export interface SubscriptionSettings {
  topic: string;
  /** Only events about this patient (from a `Type?patient=Patient/x` filter); undefined: every patient. */
  patient?: string;
  endpoint: string;
  content: PayloadContent;
  /** `Name: value` headers to send with each notification (channel.header). */
  headers: [string, string][];
}

/** The settings of `s`; a 422 when this server cannot serve it. */
export function readSubscription(s: Subscription): SubscriptionSettings {
  const topic = s.criteria;
  if (typeof topic !== 'string' || !KNOWN_TOPICS.includes(topic)) {
    throw unprocessable(`Subscription.criteria must be one of this server's topics: ${KNOWN_TOPICS.join(', ')}`, ['Subscription.criteria']);
  }
  if (s.channel?.type !== 'rest-hook') throw unprocessable('Only rest-hook Subscriptions are supported', ['Subscription.channel.type']);
  const endpoint = s.channel.endpoint;
  if (!endpoint || !isHttpUrl(endpoint)) throw unprocessable('Subscription.channel.endpoint must be an http or https URL', ['Subscription.channel.endpoint']);
  if (s.channel.payload !== undefined && s.channel.payload !== FHIR_JSON) {
    throw unprocessable(`Subscription.channel.payload must be ${FHIR_JSON}`, ['Subscription.channel.payload']);
  }
  const contentExt = extensionsOf(s.channel, '_payload', PAYLOAD_CONTENT_EXT).map((e) => e.valueCode);
  const content = contentExt[0] ?? 'id-only';
  if (content !== 'id-only' && content !== 'full-resource') {
    throw unprocessable('The payload content must be id-only or full-resource', ['Subscription.channel.payload']);
  }
  const headers: [string, string][] = [];
  for (const h of s.channel.header ?? []) {
    const m = /^([A-Za-z0-9-]{1,64}):\s*(.{1,1000})$/.exec(h);
    if (!m || /^(content-type|content-length|host|x-continuum-signature)$/i.test(m[1]!)) {
      throw unprocessable('Each Subscription.channel.header must be "Name: value" (and not a reserved header)', ['Subscription.channel.header']);
    }
    headers.push([m[1]!, m[2]!]);
  }
  const filters = extensionsOf(s, '_criteria', FILTER_CRITERIA_EXT).map((e) => e.valueString);
  let patient: string | undefined;
  for (const f of filters) {
    const p = typeof f === 'string' ? patientFilter(f, TOPIC_RESOURCES[topic]!) : undefined;
    if (!p) throw unprocessable(`Unsupported filter criteria: use ${TOPIC_RESOURCES[topic]![0]}?patient=Patient/<id>`, ['Subscription.criteria']);
    if (patient !== undefined && p !== patient) throw unprocessable('The filter criteria name two different patients', ['Subscription.criteria']);
    patient = p;
  }
  return { topic, ...(patient ? { patient } : {}), endpoint, content, headers };
}

/** The patient id of `Type?patient=Patient/x` (or `patient=x`) for one of `types`. */
export function patientFilter(criteria: string, types: readonly string[]): string | undefined {
  const m = /^(?:([A-Z][A-Za-z]+)\?)?(?:patient|subject)=(?:Patient\/)?([A-Za-z0-9.-]{1,64})$/.exec(criteria.trim());
  if (!m || (m[1] !== undefined && !types.includes(m[1]))) return undefined;
  return m[2];
}

export function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '' && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

interface Ext {
  url?: string;
  valueString?: string;
  valueCode?: string;
}

/** The extensions with `url` on a primitive's `_name` element. */
function extensionsOf(holder: object | undefined, field: string, url: string): Ext[] {
  const el = (holder as Record<string, { extension?: Ext[] } | undefined> | undefined)?.[field];
  return (el?.extension ?? []).filter((e) => e.url === url);
}
