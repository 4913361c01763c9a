/**
 * Seeds the shipped order catalogue into a tenant at start, idempotently: a definition whose
 * canonical url and version are already stored is left alone (so a site's edits to a seeded
 * definition survive restarts); a new catalogue version replaces the definition at its fixed id.
 * Resources without a canonical url (the demo lab, specimen definitions) are written only when
 * their id is new. The demo laboratory (an Organization) is seeded only with the demo clinic: a
 * site names its own laboratories. Writes go through the Repository, as any other write.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Resource } from '@medplum/fhirtypes';
import type { Repository } from '../store/repository.ts';
import { catalogueResources, type CatalogueFile } from './catalogue.ts';

export const CATALOGUE_FILE = fileURLToPath(new URL('../../knowledge/orders/catalogue.json', import.meta.url));

export async function readCatalogue(path = CATALOGUE_FILE): Promise<CatalogueFile> {
  return JSON.parse(await readFile(path, 'utf8')) as CatalogueFile;
}

/** Whether `resource` (or its canonical url and version) is already stored. */
async function stored(repo: Repository, resource: Resource): Promise<boolean> {
  const { url, version } = resource as { url?: unknown; version?: unknown };
  if (typeof url === 'string' && typeof version === 'string') {
    const criteria = `url=${encodeURIComponent(url)}&version=${encodeURIComponent(version)}`;
    const page = await repo.search(repo.parseCriteria(resource.resourceType, criteria), { count: 1 });
    return page.matches.length > 0;
  }
  return repo.exists(resource.resourceType, resource.id!);
}

/** The resources seeded: the definitions, and the demo laboratory only with the demo clinic. */
export function seededResources(file: CatalogueFile, opts: { demoLab?: boolean } = {}): Resource[] {
  return catalogueResources(file).filter((r) => opts.demoLab || r.resourceType !== 'Organization');
}

/** Writes the catalogue's missing resources; answers how many were written. */
export async function seedCatalogue(repo: Repository, opts: { file?: CatalogueFile; demoLab?: boolean } = {}): Promise<number> {
  let written = 0;
  for (const resource of seededResources(opts.file ?? (await readCatalogue()), opts)) {
    if (await stored(repo, resource)) continue;
    await repo.update(resource.resourceType, resource.id!, resource);
    written++;
  }
  return written;
}
