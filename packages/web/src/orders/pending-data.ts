/** Loads my pending orders (active or on hold, oldest first) with their patients and specimens, through the FHIR API. */
import type { Patient, Resource, ServiceRequest, Specimen } from '@medplum/fhirtypes';
import type { FhirClient } from '../fhir/client.ts';
import { pendingRows, type PendingRow } from './pending-orders.ts';

export async function loadPending(client: FhirClient, me: string, now: Date, signal?: AbortSignal): Promise<PendingRow[]> {
  const bundle = await client.search(
    'ServiceRequest',
    [['requester', me], ['status', 'active,on-hold'], ['_include', 'ServiceRequest:patient'], ['_include', 'ServiceRequest:specimen'], ['_sort', 'authored'], ['_count', '200']],
    signal,
  );
  const entries = bundle.entry ?? [];
  const orders = entries.filter((e) => e.search?.mode !== 'include' && e.resource?.resourceType === 'ServiceRequest').map((e) => e.resource as ServiceRequest);
  const byRef = <T extends Resource>(type: T['resourceType']) =>
    new Map(entries.flatMap((e) => ((e.resource as Resource | undefined)?.resourceType === type ? [[`${type}/${e.resource!.id}`, e.resource as unknown as T] as const] : [])));
  return pendingRows(orders, byRef<Patient>('Patient'), byRef<Specimen>('Specimen'), now);
}
