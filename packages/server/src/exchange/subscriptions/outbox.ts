/**
 * The only code that touches the Subscription tables (migration 021): the mirror of each
 * Subscription's settings, and the deliveries to make. Events are recorded by the write that
 * causes them (in its transaction: a rolled-back write leaves nothing); the delivery loops claim
 * due rows with FOR UPDATE SKIP LOCKED and a lease, so several nodes never send a row at once, and
 * a node that dies mid-send leaves the row due again once the lease ends.
 */
import type { Database, Queryable } from '../../db/database.ts';
import type { TopicEvent } from './topics.ts';

/** NOTIFY channel: a delivery is due (sent on commit only). */
export const DELIVERY_CHANNEL = 'continuum_subscriptions';

export interface Target {
  tenantId: string;
  subscriptionId: string;
  topic: string;
  patientId: string | null;
  status: string;
  verified: boolean;
  partnerOrg: string | null;
  events: number;
  failures: number;
  lastError: string | null;
}

export interface Delivery {
  id: number;
  tenantId: string;
  subscriptionId: string;
  kind: 'handshake' | 'event-notification';
  topic: string;
  focusType: string | null;
  focusId: string | null;
  focusVersion: number | null;
  patientId: string | null;
  eventNumber: number | null;
  attempts: number;
  createdAt: string;
}

/**
 * Records one delivery per active Subscription each event concerns (one indexed statement per
 * event; nothing when no Subscription of the topic is active). Answers how many were recorded.
 */
export async function recordEvents(q: Queryable, tenant: string, focus: { type: string; id: string; version: number }, events: readonly TopicEvent[]): Promise<number> {
  let n = 0;
  for (const e of events) {
    const { rows } = await q.query<{ n: number }>(
      `WITH ins AS (
         INSERT INTO subscription_delivery (tenant_id, subscription_id, kind, topic, focus_type, focus_id, focus_version, patient_id)
         SELECT t.tenant_id, t.subscription_id, 'event-notification', t.topic, $3, $4, $5, $6::text
         FROM subscription_target t
         WHERE t.tenant_id = $1 AND t.topic = $2 AND t.status = 'active' AND (t.patient_id IS NULL OR t.patient_id = $6::text)
         RETURNING 1)
       SELECT count(*)::int AS n FROM ins`,
      [tenant, e.topic, focus.type, focus.id, focus.version, e.patient ?? null],
      { name: 'subscription_record_event' },
    );
    n += Number(rows[0]?.n ?? 0);
  }
  if (n > 0) await wake(q);
  return n;
}

export async function wake(q: Queryable): Promise<void> {
  await q.query('SELECT pg_notify($1, $2)', [DELIVERY_CHANNEL, '']);
}

export async function readTarget(q: Queryable, tenant: string, id: string): Promise<Target | undefined> {
  const { rows } = await q.query<Record<string, unknown>>('SELECT * FROM subscription_target WHERE tenant_id = $1 AND subscription_id = $2', [tenant, id]);
  return rows[0] ? toTarget(rows[0]) : undefined;
}

/** Writes the mirror of a Subscription; `verified` is kept while the status stays requested or active. */
export async function saveTarget(q: Queryable, t: Omit<Target, 'events' | 'failures' | 'lastError' | 'verified'> & { verified?: boolean }): Promise<void> {
  await q.query(
    `INSERT INTO subscription_target (tenant_id, subscription_id, topic, patient_id, status, partner_org, verified)
     VALUES ($1, $2, $3, $4, $5, $6, coalesce($7, false))
     ON CONFLICT (tenant_id, subscription_id) DO UPDATE SET topic = $3, patient_id = $4, status = $5, partner_org = $6,
       verified = coalesce($7, subscription_target.verified),
       failures = CASE WHEN $5 = 'active' THEN subscription_target.failures ELSE 0 END`,
    [t.tenantId, t.subscriptionId, t.topic, t.patientId, t.status, t.partnerOrg, t.verified ?? null],
  );
}

/** Forgets a deleted Subscription and what was still to be sent to it. */
export async function dropTarget(q: Queryable, tenant: string, id: string): Promise<void> {
  await q.query(`UPDATE subscription_delivery SET state = 'skipped', last_error = 'Subscription deleted' WHERE tenant_id = $1 AND subscription_id = $2 AND state = 'pending'`, [tenant, id]);
  await q.query('DELETE FROM subscription_target WHERE tenant_id = $1 AND subscription_id = $2', [tenant, id]);
}

/** Queues a handshake (unless one is pending already). */
export async function queueHandshake(q: Queryable, tenant: string, id: string, topic: string): Promise<void> {
  await q.query(
    `INSERT INTO subscription_delivery (tenant_id, subscription_id, kind, topic)
     SELECT $1, $2, 'handshake', $3
     WHERE NOT EXISTS (SELECT 1 FROM subscription_delivery WHERE tenant_id = $1 AND subscription_id = $2 AND kind = 'handshake' AND state = 'pending')`,
    [tenant, id, topic],
  );
  await wake(q);
}

/** The handshake succeeded: the Subscription is active (the loop writes the resource in the same transaction). */
export async function setVerified(q: Queryable, tenant: string, id: string): Promise<void> {
  await q.query(`UPDATE subscription_target SET verified = true, status = 'active', failures = 0, last_error = NULL WHERE tenant_id = $1 AND subscription_id = $2`, [tenant, id]);
}

/** The loop put the Subscription in error (the resource is written in the same transaction). */
export async function setErrored(q: Queryable, tenant: string, id: string, error: string): Promise<void> {
  await q.query(`UPDATE subscription_target SET status = 'error', last_error = $3 WHERE tenant_id = $1 AND subscription_id = $2`, [tenant, id, error.slice(0, 500)]);
}

/**
 * Claims up to `limit` due deliveries whose Subscription may receive them (events: active;
 * handshakes: requested), moving each one's next attempt `leaseSeconds` ahead and numbering
 * events on their first attempt.
 */
export async function claimDue(db: Database, limit: number, leaseSeconds: number): Promise<Delivery[]> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<Record<string, unknown>>(
      `SELECT d.* FROM subscription_delivery d
       JOIN subscription_target t ON t.tenant_id = d.tenant_id AND t.subscription_id = d.subscription_id
       WHERE d.state = 'pending' AND d.next_attempt <= now()
         AND ((d.kind = 'event-notification' AND t.status = 'active') OR (d.kind = 'handshake' AND t.status = 'requested'))
       ORDER BY d.id LIMIT $1
       FOR UPDATE OF d SKIP LOCKED`,
      [limit],
    );
    const out: Delivery[] = [];
    for (const r of rows) {
      const d = toDelivery(r);
      if (d.kind === 'event-notification' && d.eventNumber === null) {
        const n = await tx.query<{ events: string }>('UPDATE subscription_target SET events = events + 1 WHERE tenant_id = $1 AND subscription_id = $2 RETURNING events', [d.tenantId, d.subscriptionId]);
        d.eventNumber = Number(n.rows[0]!.events);
      }
      await tx.query(`UPDATE subscription_delivery SET attempts = attempts + 1, event_number = $2, next_attempt = now() + make_interval(secs => $3) WHERE id = $1`, [d.id, d.eventNumber, leaseSeconds]);
      d.attempts += 1;
      out.push(d);
    }
    return out;
  });
}

export async function markDelivered(q: Queryable, d: Delivery): Promise<void> {
  await q.query(`UPDATE subscription_delivery SET state = 'delivered', delivered_at = now(), last_error = NULL WHERE id = $1`, [d.id]);
  await q.query('UPDATE subscription_target SET failures = 0, last_error = NULL WHERE tenant_id = $1 AND subscription_id = $2', [d.tenantId, d.subscriptionId]);
}

/** A failed attempt: due again after `delayMs`, or failed for good when `final`. */
export async function markAttemptFailed(q: Queryable, d: Delivery, error: string, delayMs: number, final: boolean): Promise<void> {
  await q.query(
    `UPDATE subscription_delivery SET state = $2, last_error = $3, next_attempt = now() + make_interval(secs => $4) WHERE id = $1`,
    [d.id, final ? 'failed' : 'pending', error.slice(0, 500), delayMs / 1000],
  );
  await q.query('UPDATE subscription_target SET failures = failures + 1, last_error = $3 WHERE tenant_id = $1 AND subscription_id = $2', [d.tenantId, d.subscriptionId, error.slice(0, 500)]);
}

export async function markSkipped(q: Queryable, d: Delivery, reason: string): Promise<void> {
  await q.query(`UPDATE subscription_delivery SET state = 'skipped', last_error = $2 WHERE id = $1`, [d.id, reason.slice(0, 500)]);
}

export interface DeliveryCounts {
  events: number;
  delivered: number;
  pending: number;
  failed: number;
  skipped: number;
}

/** How many events a Subscription has had, and where their deliveries stand. */
export async function deliveryCounts(q: Queryable, tenant: string, id: string): Promise<DeliveryCounts> {
  const { rows } = await q.query<{ state: string; n: number }>(
    `SELECT state, count(*)::int AS n FROM subscription_delivery WHERE tenant_id = $1 AND subscription_id = $2 AND kind = 'event-notification' GROUP BY state`,
    [tenant, id],
  );
  const by = new Map(rows.map((r) => [r.state, Number(r.n)]));
  const c = { delivered: by.get('delivered') ?? 0, pending: by.get('pending') ?? 0, failed: by.get('failed') ?? 0, skipped: by.get('skipped') ?? 0 };
  return { events: c.delivered + c.pending + c.failed + c.skipped, ...c };
}

function toTarget(r: Record<string, unknown>): Target {
  return {
    tenantId: String(r.tenant_id),
    subscriptionId: String(r.subscription_id),
    topic: String(r.topic),
    patientId: (r.patient_id as string | null) ?? null,
    status: String(r.status),
    verified: Boolean(r.verified),
    partnerOrg: (r.partner_org as string | null) ?? null,
    events: Number(r.events),
    failures: Number(r.failures),
    lastError: (r.last_error as string | null) ?? null,
  };
}

function toDelivery(r: Record<string, unknown>): Delivery {
  return {
    id: Number(r.id),
    tenantId: String(r.tenant_id),
    subscriptionId: String(r.subscription_id),
    kind: r.kind as Delivery['kind'],
    topic: String(r.topic),
    focusType: (r.focus_type as string | null) ?? null,
    focusId: (r.focus_id as string | null) ?? null,
    focusVersion: r.focus_version === null || r.focus_version === undefined ? null : Number(r.focus_version),
    patientId: (r.patient_id as string | null) ?? null,
    eventNumber: r.event_number === null || r.event_number === undefined ? null : Number(r.event_number),
    attempts: Number(r.attempts),
    createdAt: r.created_at instanceof Date ? r.created_at.toISOString() : String(r.created_at),
  };
}

/** A partner's live Subscription to this topic and patient, if it has one already. */
export async function findPartnerTarget(q: Queryable, tenant: string, partnerOrg: string, topic: string, patient: string): Promise<Target | undefined> {
  const { rows } = await q.query<Record<string, unknown>>(
    `SELECT * FROM subscription_target WHERE tenant_id = $1 AND partner_org = $2 AND topic = $3 AND patient_id = $4 AND status IN ('requested', 'active') LIMIT 1`,
    [tenant, partnerOrg, topic, patient],
  );
  return rows[0] ? toTarget(rows[0]) : undefined;
}

export interface Follow {
  remoteSubscription: string;
  tenantId: string;
  partnerOrg: string;
  patientId: string;
  topic: string;
}

export async function saveFollow(q: Queryable, f: Follow): Promise<void> {
  await q.query(
    `INSERT INTO subscription_follow (remote_subscription, tenant_id, partner_org, patient_id, topic) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (remote_subscription) DO UPDATE SET tenant_id = $2, partner_org = $3, patient_id = $4, topic = $5`,
    [f.remoteSubscription, f.tenantId, f.partnerOrg, f.patientId, f.topic],
  );
}

export async function readFollow(q: Queryable, remoteSubscription: string): Promise<Follow | undefined> {
  const { rows } = await q.query<Record<string, string>>('SELECT * FROM subscription_follow WHERE remote_subscription = $1', [remoteSubscription]);
  const r = rows[0];
  return r ? { remoteSubscription: r.remote_subscription!, tenantId: r.tenant_id!, partnerOrg: r.partner_org!, patientId: r.patient_id!, topic: r.topic! } : undefined;
}
