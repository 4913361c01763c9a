/**
 * The lock on signed clinical notes, for every API client: once a Composition is signed (status
 * `final` or `amended`) its content never changes and it is never deleted. The only change it
 * accepts is being marked `entered-in-error` with nothing else touched; a note marked so stays as
 * it is. Corrections and additions are new Compositions that point at the signed one
 * (`relatesTo` replaces / appends), so the signed text stays in the record as it was signed.
 * Drafts (`preliminary`) change and go freely.
 *
 * The check is pure: the repository hands it the version a write replaces (read at that exact
 * version, which the commit then requires to still be current, so no race slips between the
 * check and the write) and the content about to be written, or null for a deletion.
 */
import type { Resource } from '@medplum/fhirtypes';
import { issue, outcome, OutcomeError } from '@continuum/fhir';
import type { PreparedWrite } from './types.ts';

/** The resource types whose signed versions are locked. */
export const LOCKED_TYPES: ReadonlySet<string> = new Set(['Composition']);

const SIGNED = new Set(['final', 'amended']);
const LOCKED = new Set([...SIGNED, 'entered-in-error']);

const refused = (text: string): OutcomeError => new OutcomeError(422, outcome(issue('error', 'business-rule', text)));

/** Equal as JSON values, whatever the order of object keys. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** The resource without what the server owns (meta) and, when asked, without its status. */
function content(r: Resource, withoutStatus = false): Record<string, unknown> {
  const { meta: _meta, ...rest } = r as Resource & { status?: string };
  if (withoutStatus) delete (rest as { status?: string }).status;
  return rest;
}

/**
 * Throws a 422 OperationOutcome when writing `next` (null: deleting) over `previous` would change
 * a signed note. `previous` undefined: the resource is new (or was deleted), anything goes.
 */
export function checkSignedNoteWrite(previous: Resource | undefined, next: Resource | null): void {
  const status = (previous as { status?: string } | undefined)?.status;
  if (!previous || !status || !LOCKED.has(status)) return;
  const what = `${previous.resourceType}/${previous.id ?? ''}`;
  if (next === null) {
    throw refused(`${what} is a signed note and cannot be deleted; mark it entered-in-error instead`);
  }
  if (sameJson(content(previous), content(next))) return;
  const nextStatus = (next as { status?: string }).status;
  if (SIGNED.has(status) && nextStatus === 'entered-in-error' && sameJson(content(previous, true), content(next, true))) return;
  if (status === 'entered-in-error') throw refused(`${what} was marked entered-in-error and cannot be changed`);
  throw refused(`${what} is signed and locked: its content cannot be changed. Write an addendum or an amendment instead (a new Composition whose relatesTo points at it)`);
}

/** The writes the lock has to look at: replacements of a locked type. */
export function lockCandidates(writes: readonly PreparedWrite[]): PreparedWrite[] {
  return writes.filter((w) => w.previousVersion > 0 && LOCKED_TYPES.has(w.resourceType));
}
