/**
 * One page of one timeline source through the FHIR client: the first page by the source's search,
 * later ones by the server's own `next` link (kept opaque: it carries the paging cursor).
 */
import type { Bundle } from '@medplum/fhirtypes';
import type { FhirClient } from '../../fhir/client.ts';
import type { FetchPage } from './merge.ts';
import { sourceSearch, type DateRangeFilter, type TimelineSource } from './sources.ts';

/** Entries per page of each source. */
export const SOURCE_PAGE_SIZE = 20;

/**
 * The part of a `next` link after the FHIR base, for the client to send with the user's token.
 * A link to another origin or outside the base is refused: the token must never leave the API.
 */
export function linkPath(link: string, origin: string, fhirBasePath = '/fhir'): string {
  const url = new URL(link, origin);
  const prefix = `${fhirBasePath.replace(/\/$/, '')}/`;
  if (url.origin !== new URL(origin).origin || !url.pathname.startsWith(prefix)) throw new Error(`Unexpected paging link ${link}`);
  return `${url.pathname.slice(prefix.length)}${url.search}`;
}

export function fetchSourcePage(client: FhirClient, patientId: string, range: DateRangeFilter, origin: string): FetchPage<TimelineSource> {
  return async (source, next, signal) => {
    const bundle = next
      ? await client.get<Bundle>(linkPath(next, origin), signal)
      : await client.search(source.type, sourceSearch(source, patientId, range, SOURCE_PAGE_SIZE), signal);
    const entries = (bundle.entry ?? [])
      .filter((e) => e.search?.mode !== 'include' && e.resource?.resourceType === source.type)
      .map((e) => source.toEntry(e.resource!));
    return { entries, next: bundle.link?.find((l) => l.relation === 'next')?.url };
  };
}
