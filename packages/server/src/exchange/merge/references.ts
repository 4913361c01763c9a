/**
 * Rewriting a resource's references from one Patient to another, and back. Pure: the JSON in,
 * the rewritten JSON and where each reference was out. A reference counts when its `reference`
 * names the Patient: relative (`Patient/1`), absolute (`https://…/Patient/1`) or versioned
 * (`Patient/1/_history/2`); the rewrite is always the plain relative `Patient/<target>`, and the
 * original text is kept so that an unmerge restores it exactly.
 */
export interface MovedRef {
  /** Keys from the resource's root to the object holding `reference`. */
  path: (string | number)[];
  /** The reference text before the merge. */
  was: string;
}

export function namesPatient(reference: unknown, id: string): boolean {
  if (typeof reference !== 'string') return false;
  const m = /(?:^|\/)Patient\/([A-Za-z0-9.-]{1,64})(?:\/_history\/[^/]+)?$/.exec(reference);
  return m !== null && m[1] === id;
}

/** A copy of `resource` with every reference to Patient/`from` pointing at Patient/`to`. */
export function rewriteReferences<T>(resource: T, from: string, to: string): { resource: T; refs: MovedRef[] } {
  const refs: MovedRef[] = [];
  const walk = (node: unknown, path: (string | number)[]): unknown => {
    if (Array.isArray(node)) return node.map((x, i) => walk(x, [...path, i]));
    if (typeof node !== 'object' || node === null) return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = walk(v, [...path, k]);
    if (namesPatient(out.reference, from)) {
      refs.push({ path, was: out.reference as string });
      out.reference = `Patient/${to}`;
    }
    return out;
  };
  return { resource: walk(resource, []) as T, refs };
}

/**
 * A copy of `resource` with the recorded references set back to what they were, where they
 * still name Patient/`to` (one edited since to name someone else is left alone). Returns how
 * many were restored.
 */
export function restoreReferences<T>(resource: T, refs: readonly MovedRef[], to: string): { resource: T; restored: number } {
  const copy = structuredClone(resource);
  let restored = 0;
  for (const r of refs) {
    let node: unknown = copy;
    for (const k of r.path) node = typeof node === 'object' && node !== null ? (node as Record<string | number, unknown>)[k] : undefined;
    if (typeof node !== 'object' || node === null) continue;
    const holder = node as { reference?: unknown };
    if (!namesPatient(holder.reference, to)) continue;
    holder.reference = r.was;
    restored++;
  }
  return { resource: copy, restored };
}
