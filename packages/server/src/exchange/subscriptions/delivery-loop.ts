/**
 * Sends the outbox's notifications (outbox.ts) to each Subscription's rest-hook endpoint, in the
 * background on nodes that run jobs. Each notification is a backport Bundle (notification.ts)
 * signed with this deployment's exchange key: header `x-continuum-signature` holds a detached JWS
 * over the exact body. A 2xx answer delivers it; anything else (or no answer within the timeout)
 * is retried with exponential backoff, and after the last attempt the delivery fails and the
 * Subscription goes to `error`. A handshake that succeeds makes a requested Subscription active.
 * A partner's Subscription has the patient's consent checked again before each event, and skips
 * it (audited) once consent is withdrawn. Wakes on NOTIFY (sent when a write records a delivery),
 * and polls in case a notification was lost.
 */
import type { Resource, Subscription } from '@medplum/fhirtypes';
import type { Database } from '../../db/database.ts';
import type { Repository } from '../../store/repository.ts';
import { consentDecision } from '../consent/consent.ts';
import { recordDisclosure } from '../consent/disclosures.ts';
import type { ExchangeServices } from '../types.ts';
import { readSubscription, FHIR_JSON } from './backport.ts';
import { notificationBundle } from './notification.ts';
import { claimDue, deliveryCounts, DELIVERY_CHANNEL, markAttemptFailed, markDelivered, markSkipped, readTarget, setErrored, setVerified, type Delivery } from './outbox.ts';

export const SIGNATURE_HEADER = 'x-continuum-signature';

export interface DeliveryLoopDeps {
  db: Database;
  repoFor(tenant: string): Promise<Repository>;
  /** `consentDefault` absent: opt-in (nothing goes to a partner without the patient's permit). */
  exchange: Pick<ExchangeServices, 'keys' | 'audit' | 'partners' | 'origin'> & Partial<Pick<ExchangeServices, 'consentDefault'>>;
  log?: (line: string) => void;
}

export interface DeliveryLoopOptions {
  /** Milliseconds between looks when nothing woke the loop (default 2000). */
  pollMs?: number;
  /** Attempts before a delivery fails and its Subscription goes to error (default 8). */
  maxAttempts?: number;
  /** The first retry's delay; each next one doubles it (default 5000 ms), up to `maxDelayMs` (default 1 h). */
  backoffMs?: number;
  maxDelayMs?: number;
  /** How long an endpoint has to answer (default 10 s). */
  timeoutMs?: number;
  /** Deliveries claimed at once (default 20). */
  batch?: number;
}

type Outcome = { ok: true } | { ok: false; error: string };

export class DeliveryLoop {
  readonly #deps: DeliveryLoopDeps;
  readonly #opts: Required<DeliveryLoopOptions>;
  readonly #base: string;
  #stopped = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #kicked = false;
  #unlisten: (() => Promise<void>) | undefined;

  constructor(deps: DeliveryLoopDeps, opts: DeliveryLoopOptions = {}) {
    this.#deps = deps;
    this.#opts = { pollMs: 2000, maxAttempts: 8, backoffMs: 5000, maxDelayMs: 3_600_000, timeoutMs: 10_000, batch: 20, ...opts };
    this.#lease = Math.ceil(this.#opts.timeoutMs / 1000) + 30;
    this.#base = `${deps.exchange.origin.replace(/\/+$/, '')}/fhir`;
  }

  readonly #lease: number;

  start(): void {
    if (this.#loop) return;
    this.#loop = this.#run();
    this.#deps.db.listen(DELIVERY_CHANNEL, () => this.kick(), () => this.kick()).then(
      (stop) => {
        if (this.#stopped) void stop();
        else this.#unlisten = stop;
      },
      (err: unknown) => this.#log(`subscriptions: LISTEN failed, polling only: ${message(err)}`),
    );
  }

  kick(): void {
    this.#kicked = true;
    this.#wake?.();
  }

  async close(): Promise<void> {
    this.#stopped = true;
    this.kick();
    await this.#loop;
    await this.#unlisten?.();
  }

  /** One claim-and-send round; answers how many deliveries it handled. */
  async runOnce(): Promise<number> {
    const due = await claimDue(this.#deps.db, this.#opts.batch, this.#lease);
    await Promise.all(due.map((d) => this.#handle(d).catch((err: unknown) => this.#log(`subscriptions: delivery ${d.id} left for a retry: ${message(err)}`))));
    return due.length;
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      this.#kicked = false;
      let handled = 0;
      try {
        handled = await this.runOnce();
      } catch (err) {
        this.#log(`subscriptions: round failed: ${message(err)}`);
      }
      if (this.#stopped) break;
      if (handled >= this.#opts.batch || this.#kicked) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.#opts.pollMs);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }

  async #handle(d: Delivery): Promise<void> {
    const { db } = this.#deps;
    const repo = await this.#deps.repoFor(d.tenantId);
    const sub = (await repo.read('Subscription', d.subscriptionId).catch(() => undefined)) as Subscription | undefined;
    if (!sub) return markSkipped(db, d, 'Subscription not found');
    const settings = readSubscription(sub);
    const target = await readTarget(db, d.tenantId, d.subscriptionId);
    if (d.kind === 'event-notification' && target?.partnerOrg) {
      const allowed = await this.#partnerMayReceive(repo, d, target.partnerOrg);
      if (!allowed) return markSkipped(db, d, 'Consent does not permit this notification');
    }
    let focusResource: { resource: Resource; created: boolean } | undefined;
    if (d.kind === 'event-notification' && settings.content === 'full-resource' && d.focusType && d.focusId && d.focusVersion) {
      const stored = await repo.vreadStored(d.focusType, d.focusId, String(d.focusVersion)).catch(() => undefined);
      if (stored?.content) focusResource = { resource: JSON.parse(stored.content) as Resource, created: d.focusVersion === 1 };
    }
    const counts = await deliveryCounts(db, d.tenantId, d.subscriptionId);
    const bundle = notificationBundle({
      base: this.#base,
      subscriptionId: d.subscriptionId,
      topic: d.topic,
      status: d.kind === 'handshake' ? 'requested' : sub.status,
      type: d.kind,
      eventsSinceStart: counts.events,
      content: settings.content,
      ...(d.kind === 'event-notification' ? { event: { number: d.eventNumber ?? 0, timestamp: d.createdAt, focus: `${d.focusType}/${d.focusId}` } } : {}),
      ...(focusResource ? { focusResource } : {}),
    });
    const outcome = await this.#send(settings.endpoint, settings.headers, JSON.stringify(bundle));
    if (outcome.ok) {
      await markDelivered(db, d);
      if (d.kind === 'handshake') await this.#activate(repo, d.subscriptionId);
      else if (target?.partnerOrg && d.patientId) await this.#disclosed(repo, d, target.partnerOrg);
      return;
    }
    const final = d.attempts >= this.#opts.maxAttempts;
    const delay = Math.min(this.#opts.backoffMs * 2 ** (d.attempts - 1), this.#opts.maxDelayMs);
    await markAttemptFailed(db, d, outcome.error, delay, final);
    if (final) await this.#setError(repo, d.subscriptionId, `${d.kind === 'handshake' ? 'Handshake' : 'Notification'} failed after ${d.attempts} attempts: ${outcome.error}`);
  }

  async #send(endpoint: string, headers: [string, string][], body: string): Promise<Outcome> {
    let signature: string;
    try {
      signature = await this.#deps.exchange.keys.sign(body, { detached: true });
    } catch (err) {
      return { ok: false, error: `signing failed: ${message(err)}` };
    }
    try {
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: { ...Object.fromEntries(headers), 'content-type': FHIR_JSON, [SIGNATURE_HEADER]: signature },
        body,
        signal: AbortSignal.timeout(this.#opts.timeoutMs),
        redirect: 'manual',
      });
      await res.body?.cancel().catch(() => undefined);
      return res.ok ? { ok: true } : { ok: false, error: `endpoint answered ${res.status}` };
    } catch (err) {
      return { ok: false, error: `endpoint unreachable: ${message(err)}` };
    }
  }

  async #activate(repo: Repository, id: string): Promise<void> {
    // The mirror is set here, not left to the companion: the loop's repositories may run without companions.
    await repo.inTransaction(async (tx) => {
      const sub = (await tx.read('Subscription', id)) as Subscription;
      if (sub.status !== 'requested') return;
      await setVerified(tx.queryable, tx.tenantId, id);
      const { error: _error, ...rest } = sub;
      await tx.update('Subscription', id, { ...rest, status: 'active' }, { ifMatch: Number(sub.meta?.versionId) });
    });
  }

  async #setError(repo: Repository, id: string, error: string): Promise<void> {
    await repo.inTransaction(async (tx) => {
      const sub = (await tx.read('Subscription', id)) as Subscription;
      if (sub.status === 'off' || sub.status === 'error') return;
      await setErrored(tx.queryable, tx.tenantId, id, error);
      await tx.update('Subscription', id, { ...sub, status: 'error', error }, { ifMatch: Number(sub.meta?.versionId) });
    });
  }

  /** A partner's event: the patient's consent, checked now (audited and recorded when it refuses). */
  async #partnerMayReceive(repo: Repository, d: Delivery, organizationId: string): Promise<boolean> {
    const partner = await this.#deps.exchange.partners(repo).get(organizationId);
    const decision = d.patientId && partner?.active ? await consentDecision(repo, d.patientId, organizationId, 'TREAT', new Date(), this.#deps.exchange.consentDefault ?? 'opt-in') : undefined;
    if (decision?.permit) return true;
    const reason = !partner?.active ? 'partner disabled' : (decision?.reason ?? 'no patient');
    await this.#deps.exchange.audit.record({
      tenant: d.tenantId,
      action: 'export',
      outcome: 'denied',
      clientId: 'continuum-subscriptions',
      ...(d.patientId ? { patients: [d.patientId] } : {}),
      resource: `Subscription/${d.subscriptionId}`,
      detail: `notification to Organization/${organizationId} for TREAT withheld: ${reason}`,
    });
    if (d.patientId) {
      await recordDisclosure(repo, { patient: d.patientId, organizationId, organizationName: partner?.name ?? organizationId, purpose: 'TREAT', kind: 'notification', resources: 0, outcome: 'denied' });
    }
    return false;
  }

  async #disclosed(repo: Repository, d: Delivery, organizationId: string): Promise<void> {
    const partner = await this.#deps.exchange.partners(repo).get(organizationId);
    await this.#deps.exchange.audit.record({
      tenant: d.tenantId,
      action: 'export',
      outcome: 'success',
      clientId: 'continuum-subscriptions',
      patients: [d.patientId!],
      resource: `Subscription/${d.subscriptionId}`,
      detail: `notification to Organization/${organizationId} for TREAT: 1 resources`,
    });
    await recordDisclosure(repo, { patient: d.patientId!, organizationId, organizationName: partner?.name ?? organizationId, purpose: 'TREAT', kind: 'notification', resources: 1, outcome: 'disclosed' });
  }

  #log(line: string): void {
    this.#deps.log?.(line);
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
