/**
 * The CDS client's fan-out: one hook call goes to every service for that hook, Continuum's own
 * (through the same HTTP contract an outside client uses) and each registered outside service
 * (over HTTP, with a signed JWT and its prefetch filled through the FHIR API as the user). Each
 * call has its own timeout; a service that fails or times out gives no cards and a status entry,
 * never an error for the whole call. Cards come back in service order, each with its `serviceId`.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { FhirGateway } from '../fhir-gateway.ts';
import { renderTemplate, servicesForHook } from '../services.ts';
import type { Card, HookName, HookRequest } from '../types.ts';
import type { OutsideService } from './endpoints.ts';

export type ServiceStatus = 'ok' | 'failed' | 'timeout';

export interface DispatchResult {
  cards: Array<Card & { serviceId: string }>;
  services: Array<{ id: string; title: string; status: ServiceStatus }>;
}

/** What a call to one service answered: its JSON body on 200, else a status. */
export type CallResult = { status: 'ok'; json: unknown } | { status: 'failed' | 'timeout' };

export interface DispatchEnv {
  /** Calls Continuum's own service `id` with the request body (as the user). */
  callOwn(id: string, body: HookRequest, signal: AbortSignal): Promise<CallResult>;
  /** POSTs the request to an outside service URL. */
  callOutside(url: string, body: HookRequest, signal: AbortSignal): Promise<CallResult>;
  outside: readonly OutsideService[];
  /** Registered endpoints whose discovery could not be read: reported as failed. */
  unreachable: ReadonlyArray<{ id: string; title: string }>;
  fhir: FhirGateway;
  fhirBase: string;
  timeoutMs: number;
}

const INDICATORS = new Set(['info', 'warning', 'critical']);

/** The cards of a response that are cards (an outside service's answer is not trusted). */
export function cardsOf(json: unknown): Card[] | undefined {
  const cards = (json as { cards?: unknown } | null)?.cards;
  if (!Array.isArray(cards)) return undefined;
  return cards.filter((c): c is Card => {
    const k = c as Partial<Card> | null;
    return !!k && typeof k.summary === 'string' && INDICATORS.has(k.indicator as string) && typeof k.source?.label === 'string';
  });
}

async function withTimeout(ms: number, run: (signal: AbortSignal) => Promise<CallResult>): Promise<CallResult> {
  const ctl = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CallResult>((resolve) => {
    timer = setTimeout(() => {
      ctl.abort();
      resolve({ status: 'timeout' });
    }, ms);
  });
  try {
    return await Promise.race([run(ctl.signal).catch((): CallResult => ({ status: ctl.signal.aborted ? 'timeout' : 'failed' })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Fills an outside service's prefetch templates through the FHIR API as the user; a key that fails is left out. */
export async function fillPrefetch(templates: Readonly<Record<string, string>>, context: HookRequest['context'], fhir: FhirGateway): Promise<Record<string, Resource>> {
  const ctx = context as unknown as Record<string, unknown>;
  const entries = await Promise.all(Object.entries(templates).map(async ([key, t]): Promise<[string, Resource] | undefined> => {
    const q = renderTemplate(t, ctx);
    if (q === undefined || /^[a-z]+:/i.test(q)) return undefined;
    try {
      return [key, await fhir.get(q)];
    } catch {
      return undefined;
    }
  }));
  return Object.fromEntries(entries.filter((e): e is [string, Resource] => e !== undefined));
}

export async function dispatch(hook: HookName, req: HookRequest, env: DispatchEnv): Promise<DispatchResult> {
  const own = servicesForHook(hook).map((s) => ({
    id: s.id,
    title: s.title,
    call: (signal: AbortSignal) => env.callOwn(s.id, req, signal),
  }));
  const outside = env.outside.filter((s) => s.definition.hook === hook).map((s) => ({
    id: s.definition.id,
    title: s.definition.title,
    call: async (signal: AbortSignal) => {
      const prefetch = await fillPrefetch(s.definition.prefetch, req.context, env.fhir);
      const body: HookRequest = { ...req, fhirServer: env.fhirBase, ...(Object.keys(prefetch).length ? { prefetch } : {}) };
      return env.callOutside(`${s.discovery}/${encodeURIComponent(s.definition.id)}`, body, signal);
    },
  }));
  const all = [...own, ...outside];
  const results = await Promise.all(all.map((s) => withTimeout(env.timeoutMs, s.call)));
  const out: DispatchResult = { cards: [], services: [] };
  all.forEach((s, i) => {
    const r = results[i]!;
    const cards = r.status === 'ok' ? cardsOf(r.json) : undefined;
    const status: ServiceStatus = r.status === 'ok' ? (cards ? 'ok' : 'failed') : r.status;
    out.services.push({ id: s.id, title: s.title, status });
    for (const c of cards ?? []) out.cards.push({ ...c, serviceId: s.id });
  });
  for (const u of env.unreachable) out.services.push({ id: u.id, title: u.title, status: 'failed' });
  return out;
}
