/**
 * Names for references: a search Bundle's resources (matches and `_include`s) indexed by
 * `Type/id`, so a page shows "Dr. Ana Ruiz" or "Main Street Clinic" where the resource only holds
 * a reference. No I/O.
 */
import type { Bundle, Reference, Resource } from '@medplum/fhirtypes';
import { humanName } from '../../fhir/format.ts';

export type Names = ReadonlyMap<string, string>;

function nameOf(resource: Resource): string | undefined {
  if (resource.resourceType === 'Practitioner' || resource.resourceType === 'Patient' || resource.resourceType === 'RelatedPerson') return humanName(resource.name);
  if (resource.resourceType === 'Location' || resource.resourceType === 'Organization' || resource.resourceType === 'HealthcareService') return resource.name;
  return undefined;
}

export function namesIn(...bundles: ReadonlyArray<Bundle | undefined>): Names {
  const names = new Map<string, string>();
  for (const entry of bundles.flatMap((b) => b?.entry ?? [])) {
    const r = entry.resource;
    const name = r ? nameOf(r) : undefined;
    if (r?.id && name) names.set(`${r.resourceType}/${r.id}`, name);
  }
  return names;
}

/** The reference's name: from `names`, else its display, else `fallback`. */
export const refName = (ref: Reference | undefined, names: Names, fallback: string): string =>
  (ref?.reference ? names.get(ref.reference) : undefined) ?? ref?.display ?? fallback;
