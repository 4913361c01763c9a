/**
 * Calling decision support from the web app: `callHook` asks every CDS service registered for a
 * hook through the server's dispatcher (`POST /cds-client/{hook}`, with the user's token), and
 * `sendFeedback` reports what the clinician did with the cards (`POST /cds-client/feedback`, one
 * request per service). The answer is read defensively: a card that lacks what the screens need
 * (uuid, summary, a known indicator, a source label) is dropped rather than shown half-formed.
 * It knows nothing of React.
 */
import type { FhirClient } from '../fhir/client.ts';
import type { CdsCard, CdsFeedback, CdsServiceStatus, Hook, HookContext, HookResult, Indicator } from './cds-types.ts';

const INDICATORS: ReadonlySet<string> = new Set<Indicator>(['info', 'warning', 'critical']);
const STATUSES: ReadonlySet<string> = new Set(['ok', 'failed', 'timeout']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/** A card fit to show, or undefined. Suggestions and links that are malformed are left out. */
export function readCard(v: unknown): CdsCard | undefined {
  if (!isObject(v) || !isText(v.uuid) || !isText(v.summary) || !isText(v.serviceId)) return undefined;
  if (typeof v.indicator !== 'string' || !INDICATORS.has(v.indicator)) return undefined;
  if (!isObject(v.source) || !isText(v.source.label)) return undefined;
  const card = { ...(v as unknown as CdsCard) };
  if (card.detail !== undefined && typeof card.detail !== 'string') delete card.detail;
  card.suggestions = Array.isArray(v.suggestions)
    ? (v.suggestions as unknown[]).filter((s): s is NonNullable<CdsCard['suggestions']>[number] => isObject(s) && isText(s.uuid) && isText(s.label) && Array.isArray(s.actions))
    : [];
  card.links = Array.isArray(v.links) ? (v.links as unknown[]).filter((l): l is NonNullable<CdsCard['links']>[number] => isObject(l) && isText(l.label) && isText(l.url)) : [];
  card.overrideReasons = Array.isArray(v.overrideReasons) ? (v.overrideReasons as unknown[]).filter((c): c is NonNullable<CdsCard['overrideReasons']>[number] => isObject(c) && isText(c.code)) : [];
  return card;
}

/** The dispatcher's answer, keeping only well-formed cards and statuses. */
export function readHookResult(body: unknown): HookResult {
  if (!isObject(body)) return { cards: [], services: [] };
  const cards = Array.isArray(body.cards) ? body.cards.map(readCard).filter((c): c is CdsCard => c !== undefined) : [];
  const services = Array.isArray(body.services)
    ? (body.services as unknown[]).filter((s): s is CdsServiceStatus => isObject(s) && isText(s.id) && typeof s.status === 'string' && STATUSES.has(s.status))
    : [];
  return { cards, services };
}

/** Calls one hook on every service registered for it. Throws (a `FhirError`) only if the dispatcher itself fails. */
export async function callHook(client: FhirClient, hook: Hook, context: HookContext, hookInstance: string, signal?: AbortSignal): Promise<HookResult> {
  return readHookResult(await client.postJson<unknown>(`/cds-client/${hook}`, { hookInstance, context }, signal));
}

/**
 * Sends the feedback, grouped by the service that answered each card. Resolves with the services
 * whose feedback failed (none, normally); it never throws, as feedback must not undo a signing.
 */
export async function sendFeedback(client: FhirClient, items: readonly { serviceId: string; feedback: CdsFeedback }[]): Promise<string[]> {
  const byService = new Map<string, CdsFeedback[]>();
  for (const { serviceId, feedback } of items) byService.set(serviceId, [...(byService.get(serviceId) ?? []), feedback]);
  const sent = await Promise.allSettled([...byService].map(([serviceId, feedback]) => client.postJson<unknown>('/cds-client/feedback', { serviceId, feedback })));
  return [...byService.keys()].filter((_, i) => sent[i]?.status === 'rejected');
}
