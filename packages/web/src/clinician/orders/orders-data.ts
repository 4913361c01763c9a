/**
 * What the Orders tab reads through the FHIR API: the patient's lab and medication orders (newest
 * first, with their requesters), the active problems a lab order can be for, and the encounter in
 * progress, if any, that new orders belong to.
 */
import type { Bundle, Condition, Encounter, Medication, MedicationRequest, Practitioner, ServiceRequest } from '@medplum/fhirtypes';
import type { FhirClient } from '../../fhir/client.ts';
import { conceptText, humanName } from '../../fhir/format.ts';

export interface OrderRow {
  order: ServiceRequest | MedicationRequest;
  kind: 'lab' | 'medication';
  name: string;
  detail: string;
  requester: string;
  date: string | undefined;
}

export interface OrdersData {
  rows: OrderRow[];
  problems: Condition[];
  encounter: Encounter | undefined;
}

function byRef<T extends Practitioner | Medication>(bundles: Bundle[], type: T['resourceType']): Map<string, T> {
  return new Map(bundles.flatMap((b) => (b.entry ?? []).flatMap((e) => (e.resource?.resourceType === type ? [[`${type}/${e.resource.id}`, e.resource as T] as const] : []))));
}
const matchesOf = <T>(b: Bundle, type: string): T[] => (b.entry ?? []).filter((e) => e.search?.mode !== 'include' && e.resource?.resourceType === type).map((e) => e.resource as T);

export async function loadOrders(client: FhirClient, patientId: string, signal?: AbortSignal): Promise<OrdersData> {
  const [labs, meds, problems, encounters] = await Promise.all([
    client.search('ServiceRequest', [['patient', patientId], ['_include', 'ServiceRequest:requester'], ['_sort', '-authored'], ['_count', '50']], signal),
    client.search('MedicationRequest', [['patient', patientId], ['_include', 'MedicationRequest:requester'], ['_include', 'MedicationRequest:medication'], ['_sort', '-authoredon'], ['_count', '50']], signal),
    client.searchResources('Condition', { patient: patientId, 'clinical-status': 'active', _count: '100' }, signal),
    client.searchResources('Encounter', { patient: patientId, status: 'in-progress', _sort: '-date', _count: '1' }, signal),
  ]);
  const people = byRef<Practitioner>([labs, meds], 'Practitioner');
  const drugs = byRef<Medication>([meds], 'Medication');
  const who = (ref: string | undefined, display: string | undefined) => display ?? (ref ? (people.has(ref) ? humanName(people.get(ref)!.name) : ref) : 'Unknown');
  const rows: OrderRow[] = [
    ...matchesOf<ServiceRequest>(labs, 'ServiceRequest').map((o) => ({
      order: o,
      kind: 'lab' as const,
      name: conceptText(o.code),
      detail: [o.priority && o.priority !== 'routine' ? o.priority.toUpperCase() : 'Routine', o.category?.[0] ? conceptText(o.category[0]) : undefined].filter(Boolean).join(' · '),
      requester: who(o.requester?.reference, o.requester?.display),
      date: o.authoredOn,
    })),
    ...matchesOf<MedicationRequest>(meds, 'MedicationRequest').map((o) => {
      const med = o.medicationReference?.reference ? drugs.get(o.medicationReference.reference) : undefined;
      return {
        order: o,
        kind: 'medication' as const,
        name: o.medicationCodeableConcept ? conceptText(o.medicationCodeableConcept) : med ? conceptText(med.code) : (o.medicationReference?.display ?? 'Medication'),
        detail: [o.dosageInstruction?.[0]?.text, o.dispenseRequest?.quantity?.value !== undefined ? `#${o.dispenseRequest.quantity.value}` : undefined, o.dispenseRequest?.numberOfRepeatsAllowed !== undefined ? `${o.dispenseRequest.numberOfRepeatsAllowed} refills` : undefined].filter(Boolean).join(' · '),
        requester: who(o.requester?.reference, o.requester?.display),
        date: o.authoredOn,
      };
    }),
  ];
  rows.sort((a, b) => (b.date ? Date.parse(b.date) : 0) - (a.date ? Date.parse(a.date) : 0));
  return { rows, problems, encounter: encounters[0] };
}
