/**
 * The hash chains, pure. A lane's chain is a run of links, each hashed over the hash of the link
 * before it, so a changed, removed or reordered link breaks every hash after it.
 *
 * A link is a batch: the entries appended together (audit_batch, from migration 025). Its hash is
 * SHA-256 (hex) of the previous hash, a newline, `batch lane:pos`, a newline, and the batch's
 * text: a JSON array of its entries, each a JSON array of its fields in a fixed order. The text
 * is stored as it was hashed, so verification hashes the stored bytes, and the fields are read
 * back from it.
 *
 * Before migration 025 a link was one entry (audit_entry): SHA-256 of the previous hash, a
 * newline, and a JSON array of the entry's fields with its place first: the position in lane 0
 * (as the single chain's seq was before there were lanes, so older entries keep their hashes) and
 * `lane:pos` in the others. Those entries are verified as they were written.
 */
import { createHash } from 'node:crypto';
import { AUDIT_OUTCOMES, isAuditAction, type AuditContent, type AuditFields } from './types.ts';

/** The prev_hash of the first entry of every lane. */
export const GENESIS_HASH = '0'.repeat(64);

/** How many lanes the schema has (migration 010: lane 0..15, head rows 1..16). */
export const MAX_LANES = 16;

export function canonicalEntry(f: AuditFields): string {
  return JSON.stringify([
    f.lane === 0 ? f.pos : `${f.lane}:${f.pos}`, f.tenantId, f.recorded, f.action, f.outcome, f.priority, f.userId, f.username, f.fhirUser,
    f.role, f.clientId, f.patients, f.resource, f.query, f.sourceIp, f.detail,
  ]);
}

export function entryHash(prevHash: string, f: AuditFields): string {
  return createHash('sha256').update(`${prevHash}\n${canonicalEntry(f)}`, 'utf8').digest('hex');
}

/** The most entries one batch holds (migration 025: ids step by 1024 between batches). */
export const MAX_BATCH = 1024;

/** One entry in a batch's text: its fields in a fixed order, without its place (the batch has it). */
function batchEntry(e: AuditContent): unknown[] {
  return [e.tenantId, e.recorded, e.action, e.outcome, e.priority, e.userId, e.username, e.fhirUser, e.role, e.clientId, e.patients, e.resource, e.query, e.sourceIp, e.detail];
}

/** The text a batch is stored and hashed as. */
export function batchText(entries: readonly AuditContent[]): string {
  return JSON.stringify(entries.map(batchEntry));
}

export function batchHash(prevHash: string, lane: number, pos: string, text: string): string {
  return createHash('sha256').update(`${prevHash}\nbatch ${lane}:${pos}\n${text}`, 'utf8').digest('hex');
}

const isText = (v: unknown): v is string => typeof v === 'string';
const isTextOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';

/** The entries of a batch's text; undefined when the text is not a batch's (only a bug or a change makes it so). */
export function parseBatch(text: string): AuditContent[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length === 0) return undefined;
  const out: AuditContent[] = [];
  for (const e of parsed as unknown[]) {
    if (!Array.isArray(e) || e.length !== 15) return undefined;
    const [tenantId, recorded, action, outcome, priority, userId, username, fhirUser, role, clientId, patients, resource, query, sourceIp, detail] = e as unknown[];
    if (!isText(tenantId) || !isText(recorded) || !isAuditAction(action) || !(AUDIT_OUTCOMES as readonly unknown[]).includes(outcome)) return undefined;
    if (priority !== 'normal' && priority !== 'high') return undefined;
    if (![userId, username, fhirUser, role, clientId, resource, query, sourceIp, detail].every(isTextOrNull)) return undefined;
    if (!Array.isArray(patients) || !patients.every(isText)) return undefined;
    out.push({
      tenantId, recorded, action, outcome: outcome as AuditContent['outcome'], priority,
      userId: userId as string | null, username: username as string | null, fhirUser: fhirUser as string | null, role: role as string | null,
      clientId: clientId as string | null, patients, resource: resource as string | null, query: query as string | null,
      sourceIp: sourceIp as string | null, detail: detail as string | null,
    });
  }
  return out;
}

/** What the report's columns of a batch hold: its entries' tenants, patients, users and actions (sorted, once each), and time range. */
export interface BatchIndex {
  tenants: string[];
  patients: string[];
  /** User ids and lower-cased usernames. */
  users: string[];
  actions: string[];
  recordedMin: string;
  recordedMax: string;
}

export function batchIndex(entries: readonly AuditContent[]): BatchIndex {
  const tenants = new Set<string>();
  const patients = new Set<string>();
  const users = new Set<string>();
  const actions = new Set<string>();
  let recordedMin = entries[0]!.recorded;
  let recordedMax = recordedMin;
  for (const e of entries) {
    tenants.add(e.tenantId);
    actions.add(e.action);
    for (const p of e.patients) patients.add(p);
    if (e.userId !== null) users.add(e.userId);
    if (e.username !== null) users.add(e.username.toLowerCase());
    if (e.recorded < recordedMin) recordedMin = e.recorded;
    if (e.recorded > recordedMax) recordedMax = e.recorded;
  }
  const sorted = (s: Set<string>): string[] => [...s].sort();
  return { tenants: sorted(tenants), patients: sorted(patients), users: sorted(users), actions: sorted(actions), recordedMin, recordedMax };
}
