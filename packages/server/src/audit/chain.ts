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

/**
 * The fields of an entry in a batch's text, in their order there (its place is the batch's). The
 * report's SQL reads them by these positions too (audit-repository.ts).
 */
export const BATCH_FIELDS = [
  'tenantId', 'recorded', 'action', 'outcome', 'priority', 'userId', 'username', 'fhirUser', 'role', 'clientId', 'patients', 'resource',
  'query', 'sourceIp', 'detail',
] as const satisfies readonly (keyof AuditContent)[];

/** The fields that may be null. */
const NULLABLE: readonly (keyof AuditContent)[] = ['userId', 'username', 'fhirUser', 'role', 'clientId', 'resource', 'query', 'sourceIp', 'detail'];

/** The text a batch is stored and hashed as. */
export function batchText(entries: readonly AuditContent[]): string {
  return JSON.stringify(entries.map((e) => BATCH_FIELDS.map((k) => e[k])));
}

export function batchHash(prevHash: string, lane: number, pos: string, text: string): string {
  return createHash('sha256').update(`${prevHash}\nbatch ${lane}:${pos}\n${text}`, 'utf8').digest('hex');
}

const isText = (v: unknown): v is string => typeof v === 'string';

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
  for (const values of parsed as unknown[]) {
    if (!Array.isArray(values) || values.length !== BATCH_FIELDS.length) return undefined;
    const e = Object.fromEntries(BATCH_FIELDS.map((k, i) => [k, values[i] as unknown])) as Record<keyof AuditContent, unknown>;
    if (!isText(e.tenantId) || !isText(e.recorded) || !isAuditAction(e.action) || !(AUDIT_OUTCOMES as readonly unknown[]).includes(e.outcome)) return undefined;
    if (e.priority !== 'normal' && e.priority !== 'high') return undefined;
    if (!NULLABLE.every((k) => e[k] === null || isText(e[k]))) return undefined;
    if (!Array.isArray(e.patients) || !e.patients.every(isText)) return undefined;
    out.push(e as AuditContent);
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
