/** The clinic's practitioners, for choosing whom to forward to and for showing who did what. */
import type { Practitioner } from '@medplum/fhirtypes';
import type { FhirClient } from '../fhir/client.ts';
import { humanName } from '../fhir/format.ts';

export interface Directory {
  list: { value: string; label: string }[];
  /** A practitioner reference's name, or the reference itself. */
  name: (ref: string | undefined) => string;
}

export async function loadDirectory(client: FhirClient, signal?: AbortSignal): Promise<Directory> {
  const found = await client.searchResources('Practitioner', { active: 'true', _count: '200' }, signal);
  return directoryOf(found);
}

export function directoryOf(found: readonly Practitioner[]): Directory {
  const names = new Map(found.map((p) => [`Practitioner/${p.id}`, humanName(p.name)]));
  const list = [...names].map(([value, label]) => ({ value, label })).sort((a, b) => a.label.localeCompare(b.label));
  return { list, name: (ref) => (ref ? (names.get(ref) ?? ref) : 'Unknown') };
}
