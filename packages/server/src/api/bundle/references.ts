/**
 * Rewrites references inside a transaction: `urn:uuid:` (and other fullUrl) references become
 * the ids the server assigned, and conditional references like `Patient?identifier=sys|val` are
 * resolved by search to exactly one resource.
 */
import type { Resource } from '@medplum/fhirtypes';
import { badRequest, preconditionFailed } from '@continuum/fhir';
import type { Repository } from '../../store/repository.ts';

/** Replaces, in place, every `reference` string found in `map`; returns conditional ones seen. */
export function rewriteReferences(value: unknown, map: ReadonlyMap<string, string>, conditional: Set<string>): void {
  if (Array.isArray(value)) {
    for (const v of value) rewriteReferences(v, map, conditional);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const obj = value as Record<string, unknown>;
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v === 'string') {
      const mapped = map.get(v);
      if (mapped !== undefined && (k === 'reference' || v.startsWith('urn:'))) obj[k] = mapped;
      else if (k === 'reference' && /^[A-Z][A-Za-z]+\?/.test(v)) conditional.add(v);
    } else if (typeof v === 'object') {
      rewriteReferences(v, map, conditional);
    }
  }
}

/** Resolves conditional references by search; each must match exactly one resource. */
export async function resolveConditional(repo: Repository, refs: Iterable<string>, map: Map<string, string>): Promise<void> {
  for (const ref of refs) {
    if (map.has(ref)) continue;
    const q = ref.indexOf('?');
    const type = ref.slice(0, q);
    repo.checkType(type);
    const page = await repo.search(repo.parseCriteria(type, ref.slice(q + 1)), { count: 2 });
    if (page.matches.length === 0) throw badRequest(`Conditional reference '${ref}' matched no resource`);
    if (page.matches.length > 1) throw preconditionFailed(`Conditional reference '${ref}' matched more than one resource`);
    map.set(ref, `${type}/${page.matches[0]!.id}`);
  }
}

export function withRewrittenReferences<T extends Resource>(resource: T, map: Map<string, string>): T {
  const conditional = new Set<string>();
  rewriteReferences(resource, map, conditional);
  return resource;
}
