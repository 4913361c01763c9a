/**
 * Medical record numbers assigned by the server: a Patient created (POST, conditional create, or
 * a transaction's POST entry) with no MRN of its own gets the next one, `M000-0000001` style,
 * in system `urn:continuum:mrn` with identifier type MR. A Patient that already carries an MRN
 * (type MR, or the clinic's MRN system) keeps it, and PUT never assigns one: whoever chooses the
 * id (a migration, the synthetic seeder) brings its own numbers. A number someone already typed
 * by hand for another patient is skipped.
 */
import type { Identifier, Patient, Resource } from '@medplum/fhirtypes';
import type { Queryable } from '../db/database.ts';
import type { SearchRequest } from '@continuum/fhir';

export const MRN_SYSTEM = 'urn:continuum:mrn';
const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';

/** The n-th assigned MRN: `M`, three digits, a hyphen and seven, like the demo's `S123-0000001`. */
export function formatMrn(n: number): string {
  return `M${String(Math.floor(n / 10_000_000) % 1000).padStart(3, '0')}-${String(n % 10_000_000).padStart(7, '0')}`;
}

export function hasMrn(patient: Patient): boolean {
  return (patient.identifier ?? []).some((i) => i.system === MRN_SYSTEM || i.type?.coding?.some((c) => c.system === V2_0203 && c.code === 'MR'));
}

/** What the store must offer: its SQL connection (or transaction) and a count of Patients. */
export interface MrnStore {
  readonly queryable: Queryable;
  parseCriteria(type: string, criteria: string): SearchRequest;
  count(req: SearchRequest): Promise<number>;
}

/** `resource` with an assigned MRN added when it is a Patient without one; otherwise as given. */
export async function withAssignedMrn<T extends Resource>(store: MrnStore, resource: T): Promise<T> {
  if (resource.resourceType !== 'Patient' || hasMrn(resource)) return resource;
  for (;;) {
    const { rows } = await store.queryable.query<{ n: string }>(`SELECT nextval('patient_mrn_seq')::text AS n`);
    const value = formatMrn(Number(rows[0]!.n));
    const taken = await store.count(store.parseCriteria('Patient', new URLSearchParams({ identifier: `${MRN_SYSTEM}|${value}` }).toString()));
    if (taken > 0) continue;
    const mrn: Identifier = { use: 'usual', type: { coding: [{ system: V2_0203, code: 'MR', display: 'Medical record number' }], text: 'MRN' }, system: MRN_SYSTEM, value };
    return { ...resource, identifier: [...(resource.identifier ?? []), mrn] };
  }
}
