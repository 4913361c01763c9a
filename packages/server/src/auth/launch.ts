/**
 * SMART launch context. An EHR launch: the EHR (or a test) asks for a `launch` value standing for
 * the patient and encounter open on screen, and passes it to the app, which sends it back in its
 * authorization request. The consent step turns it (or the patient a standalone user picked)
 * into the grant's context; every token from that grant, refreshed ones included, carries it.
 */
import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db/database.ts';

export interface LaunchContext {
  patient?: string;
  encounter?: string;
  /** True when the context came from an EHR launch (the EHR shows the patient banner). */
  launched: boolean;
}

const LAUNCH_TTL_MS = 10 * 60 * 1000;
const ID = /^[A-Za-z0-9.-]{1,64}$/;

export async function createLaunch(q: Queryable, tenantId: string, ctx: { userId?: string; patient?: string; encounter?: string }, now = new Date()): Promise<string> {
  if (ctx.patient !== undefined && !ID.test(ctx.patient)) throw new Error('patient must be a FHIR id');
  if (ctx.encounter !== undefined && !ID.test(ctx.encounter)) throw new Error('encounter must be a FHIR id');
  const id = randomBytes(18).toString('base64url');
  await q.query(
    `INSERT INTO smart_launch (id, tenant_id, user_id, patient, encounter, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [id, tenantId, ctx.userId ?? null, ctx.patient ?? null, ctx.encounter ?? null, now, new Date(now.getTime() + LAUNCH_TTL_MS)],
  );
  return id;
}

/** The context a launch value stands for, if it is known, unexpired and of this tenant (and user, when bound to one). */
export async function resolveLaunch(q: Queryable, tenantId: string, launch: string, userId: string | undefined, now = new Date()): Promise<LaunchContext | undefined> {
  const { rows } = await q.query<{ patient: string | null; encounter: string | null; user_id: string | null }>(
    `SELECT patient, encounter, user_id::text AS user_id FROM smart_launch WHERE id = $1 AND tenant_id = $2 AND expires_at > $3`,
    [launch, tenantId, now],
  );
  const r = rows[0];
  if (!r || (r.user_id !== null && r.user_id !== userId)) return undefined;
  return { ...(r.patient ? { patient: r.patient } : {}), ...(r.encounter ? { encounter: r.encounter } : {}), launched: true };
}

export async function saveGrantContext(q: Queryable, grantId: string, tenantId: string, ctx: LaunchContext, now = new Date()): Promise<void> {
  await q.query(
    `INSERT INTO smart_grant_context (grant_id, tenant_id, patient, encounter, launched, created_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (grant_id) DO UPDATE SET patient = EXCLUDED.patient, encounter = EXCLUDED.encounter, launched = EXCLUDED.launched`,
    [grantId, tenantId, ctx.patient ?? null, ctx.encounter ?? null, ctx.launched, now],
  );
}

export async function grantContext(q: Queryable, grantId: string): Promise<LaunchContext | undefined> {
  const { rows } = await q.query<{ patient: string | null; encounter: string | null; launched: boolean }>(
    `SELECT patient, encounter, launched FROM smart_grant_context WHERE grant_id = $1`,
    [grantId],
    { name: 'smart_grant_context' },
  );
  const r = rows[0];
  if (!r) return undefined;
  return { ...(r.patient ? { patient: r.patient } : {}), ...(r.encounter ? { encounter: r.encounter } : {}), launched: r.launched };
}
