/**
 * What changed between two versions of an entry, field by field, in words: each list describes
 * its resource as labelled fields read for people (`FieldSpec`), and a change is a field whose
 * reading differs. Used by the History drawer and the conflict dialog. Pure.
 */

export interface FieldSpec<R> {
  label: string;
  read: (r: R) => string | undefined;
}

export interface FieldChange {
  label: string;
  before: string | undefined;
  after: string | undefined;
}

const blank = (v: string | undefined): string | undefined => (v === undefined || v.trim() === '' ? undefined : v.trim());

/** The fields whose reading differs from `before` to `after` (every set field when `before` is absent). */
export function changes<R>(fields: readonly FieldSpec<R>[], before: R | undefined, after: R): FieldChange[] {
  const out: FieldChange[] = [];
  for (const f of fields) {
    const b = before === undefined ? undefined : blank(f.read(before));
    const a = blank(f.read(after));
    if (b !== a) out.push({ label: f.label, before: b, after: a });
  }
  return out;
}

/** One change as a sentence: "Criticality: low → high", "Note added: …", "Lot removed (was …)". */
export function describeChange(c: FieldChange): string {
  if (c.before === undefined) return `${c.label}: ${c.after ?? ''}`;
  if (c.after === undefined) return `${c.label} removed (was ${c.before})`;
  return `${c.label}: ${c.before} → ${c.after}`;
}

export interface VersionEntry<R> {
  versionId: string;
  lastUpdated: string | undefined;
  changes: FieldChange[];
  resource: R;
}

/** Versions newest first (as `_history` answers), each with what it changed from the one before. */
export function versionEntries<R extends { meta?: { versionId?: string; lastUpdated?: string } }>(fields: readonly FieldSpec<R>[], newestFirst: readonly R[]): VersionEntry<R>[] {
  return newestFirst.map((r, i) => ({
    versionId: r.meta?.versionId ?? '?',
    lastUpdated: r.meta?.lastUpdated,
    changes: changes(fields, newestFirst[i + 1], r),
    resource: r,
  }));
}
