/**
 * For the portal's demo seeders: every patient of the store, a page at a time, each page's new
 * resources written in one commit; and ids derived from a source id, so that a restart finds what
 * an earlier start wrote (the seeders skip what exists).
 */
import { createHash } from 'node:crypto';
import type { Patient, Resource } from '@medplum/fhirtypes';
import { parseSearch } from '@continuum/fhir';
import type { Repository } from '../store/repository.ts';

const PAGE = 100;

/** A seeded resource's id: `prefix` and the source id, hashed when that would be too long. */
export function seededId(prefix: string, sourceId: string): string {
  const id = `${prefix}-${sourceId}`;
  return id.length <= 64 ? id : `${prefix}-${createHash('sha256').update(sourceId).digest('hex').slice(0, 40)}`;
}

/** Calls `build` for every patient and writes what it returns (resources with their ids). */
export async function seedForEachPatient(repo: Repository, build: (patient: Patient) => Promise<Resource[]>): Promise<void> {
  const req = parseSearch('Patient', [['_sort', '_id']], repo.indexer.registry);
  let from: Parameters<Repository['search']>[1]['from'];
  for (;;) {
    const page = await repo.search(req, { count: PAGE, ...(from ? { from } : {}) });
    const writes = [];
    for (const m of page.matches) {
      for (const r of await build(JSON.parse(m.content) as Patient)) writes.push(repo.prepare(repo.validate(r), r.id!, 0, 'create').write);
    }
    if (writes.length > 0) await repo.commit(writes);
    if (!page.next || page.matches.length < PAGE) return;
    from = page.next;
  }
}
