/**
 * How a resource from another organization is told apart from local data, wherever it appears
 * (shown from a partner, or imported): meta.tag EXTERNAL_TAG, meta.source = its URL at the partner,
 * and the EXTERNAL_SOURCE_EXT extension naming the partner's Organization here. Pure.
 */
import type { Extension, Resource } from '@medplum/fhirtypes';
import { EXTERNAL_SOURCE_EXT, EXTERNAL_TAG } from '../codes.ts';

export interface Source {
  organizationId: string;
  name: string;
}

export function sourceExtension(source: Source): Extension {
  return { url: EXTERNAL_SOURCE_EXT, valueReference: { reference: `Organization/${source.organizationId}`, display: source.name } };
}

/** A copy of `r` marked as coming from `source`, where it lives at `remoteUrl`. */
export function markExternal<T extends Resource>(r: T, source: Source, remoteUrl: string): T {
  const withExt = r as T & { extension?: Extension[] };
  const tags = (r.meta?.tag ?? []).filter((t) => !(t.system === EXTERNAL_TAG.system && t.code === EXTERNAL_TAG.code));
  return {
    ...r,
    meta: { ...r.meta, source: remoteUrl, tag: [...tags, { ...EXTERNAL_TAG }] },
    extension: [...(withExt.extension ?? []).filter((e) => e.url !== EXTERNAL_SOURCE_EXT), sourceExtension(source)],
  };
}

/** The remote URL of a resource from a partner, as `markExternal` set it. */
export const remoteUrlOf = (r: Resource): string | undefined => (typeof r.meta?.source === 'string' && /^https?:\/\//.test(r.meta.source) ? r.meta.source : undefined);
