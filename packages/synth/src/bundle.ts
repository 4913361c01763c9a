/**
 * Bundle assembly: every resource goes into a `transaction` Bundle as a PUT of `Type/id`, so a
 * seeding run is idempotent and can be resumed, and references between resources are plain
 * relative `Type/id` strings. It knows nothing about what the resources mean.
 */
import type { Bundle, BundleEntry, Reference, Resource } from '@medplum/fhirtypes';

/**
 * A literal reference. Typed `Reference<never>` so it fits any element's target type: the
 * targets are checked by the tests (every reference resolves), not by the compiler.
 */
export type AnyReference = Reference<never>;

export function ref(type: string, id: string, display?: string): AnyReference {
  return display ? { reference: `${type}/${id}`, display } : { reference: `${type}/${id}` };
}

export function transaction(resources: readonly Resource[]): Bundle {
  const entry: BundleEntry[] = resources.map((resource) => ({
    fullUrl: `urn:uuid:${resource.id ?? ''}`,
    resource,
    request: { method: 'PUT', url: `${resource.resourceType}/${resource.id ?? ''}` },
  }));
  return { resourceType: 'Bundle', type: 'transaction', entry };
}
