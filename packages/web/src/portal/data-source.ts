/**
 * Where a record came from. Data received from another organization (a hospital, a lab) keeps
 * the sender in `meta.source` (a URI naming the system, e.g. `https://stmary.example/fhir`): the
 * portal shows it as "From stmary.example" so patients can tell it from their own clinic's
 * record. Resources written here carry no `meta.source`, or this server's own. Pure: no I/O.
 */
import type { Resource } from '@medplum/fhirtypes';

/** The other organization a resource came from, for a badge; undefined for this server's own. */
export function foreignSource(resource: Resource, ownOrigin: string): string | undefined {
  const source = resource.meta?.source?.trim();
  if (!source) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(source);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol)) return source.replace(/#.*$/, '') || undefined;
  if (url.origin === new URL(ownOrigin).origin) return undefined;
  return url.host;
}
