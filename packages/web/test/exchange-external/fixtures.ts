/**
 * Resources as the retrieve operations return them, for the pure tests: tagged external, with
 * the source extension naming the partner and `meta.source` the remote URL.
 */
import type { Resource } from '@medplum/fhirtypes';
import { EXTERNAL_SOURCE_EXT, EXTERNAL_TAG } from '../../src/exchange/external/codes.ts';

export const PARTNER = { reference: 'Organization/org-a', display: 'Riverside Primary Care' };
export const REMOTE = 'https://riverside.example/fhir';

/** `resource` marked as external from Riverside, its remote URL from its type and id. */
export function external<T extends Resource>(resource: T): T {
  return {
    ...resource,
    meta: { tag: [{ ...EXTERNAL_TAG }], source: `${REMOTE}/${resource.resourceType}/${resource.id ?? 'x'}` },
    extension: [{ url: EXTERNAL_SOURCE_EXT, valueReference: PARTNER }],
  } as T;
}
