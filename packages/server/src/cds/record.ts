/**
 * The part of a patient's record a hook needs, by prefetch key: taken from what the client
 * prefetched where it sent it, read through the FHIR API as the caller where it did not. The
 * Patient itself is always read through the API, even when prefetched, so the caller's right to
 * see this patient is checked on every call (a 404 "not found or no access" otherwise).
 */
import { badRequest } from '@continuum/fhir';
import type { Bundle, Patient, Resource } from '@medplum/fhirtypes';
import type { FhirGateway } from './fhir-gateway.ts';
import { PREFETCH, renderTemplate, type PrefetchKey } from './services.ts';
import type { HookRequest } from './types.ts';

export interface FetchedRecord {
  patient: Patient;
  /** The resources of each search key, in the order the search returned them. */
  lists: Partial<Record<PrefetchKey, Resource[]>>;
}

function entriesOf(key: string, v: Resource): Resource[] {
  if (v.resourceType !== 'Bundle') throw badRequest(`prefetch.${key} must be a search Bundle`, [`prefetch.${key}`]);
  return ((v as Bundle).entry ?? []).map((e) => e.resource).filter((r): r is Resource => r !== undefined && r.resourceType !== 'OperationOutcome');
}

/** Reads the keys a service needs; prefetched keys are used as sent. */
export async function fetchRecord(req: HookRequest, keys: readonly PrefetchKey[], fhir: FhirGateway): Promise<FetchedRecord> {
  const ctx = req.context as unknown as Record<string, unknown>;
  const pf = req.prefetch ?? {};
  const patientPath = renderTemplate(PREFETCH.patient, ctx)!;
  const search = async (key: PrefetchKey): Promise<[PrefetchKey, Resource[]]> => {
    const sent = pf[key];
    if (sent) return [key, entriesOf(key, sent)];
    const bundle = await fhir.get<Bundle>(renderTemplate(PREFETCH[key], ctx)!);
    return [key, entriesOf(key, bundle)];
  };
  const [patient, ...lists] = await Promise.all([fhir.get<Patient>(patientPath), ...keys.filter((k) => k !== 'patient').map(search)]);
  const sentPatient = pf.patient;
  if (sentPatient && (sentPatient.resourceType !== 'Patient' || sentPatient.id !== req.context.patientId)) {
    throw badRequest('prefetch.patient is not the Patient named by context.patientId', ['prefetch.patient']);
  }
  return { patient, lists: Object.fromEntries(lists) };
}
