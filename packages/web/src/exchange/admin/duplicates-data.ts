/**
 * Loading what the duplicates screen shows: the pairs `Patient/$duplicates` finds (reading the
 * patients an answer only names), and the patients merged into another (inactive, with a
 * `replaced-by` link), which can be unmerged.
 */
import type { Bundle, Parameters, Patient } from '@medplum/fhirtypes';
import type { FhirClient } from '../../fhir/client.ts';
import { duplicatePairs, patientSide, referencedPatients, type PairView, type PatientSide } from './duplicates-model.ts';

export const MIN_SCORE = 0.8;

export async function loadPairs(client: FhirClient, signal?: AbortSignal): Promise<PairView[]> {
  const answer = await client.get<Parameters | Bundle>(`Patient/$duplicates?minScore=${MIN_SCORE}&_count=50`, signal);
  const refs = referencedPatients(answer).map((r) => r.replace(/^Patient\//, ''));
  const patients = refs.length > 0 ? await client.searchResources('Patient', { _id: refs.join(','), _count: refs.length }, signal) : [];
  const byRef = new Map(patients.map((p) => [`Patient/${p.id ?? ''}`, p]));
  return duplicatePairs(answer, (ref) => byRef.get(ref)).filter((p) => p.a.active && p.b.active);
}

export interface MergedPatient {
  source: PatientSide;
  survivor: PatientSide | undefined;
}

export async function loadMerged(client: FhirClient, signal?: AbortSignal): Promise<MergedPatient[]> {
  const inactive = (await client.searchResources('Patient', { active: 'false', _count: 100 }, signal)).map(patientSide).filter((p) => p.replacedBy);
  const ids = [...new Set(inactive.map((p) => p.replacedBy ?? ''))];
  const survivors: Patient[] = ids.length > 0 ? await client.searchResources('Patient', { _id: ids.join(','), _count: ids.length }, signal) : [];
  return inactive.map((source) => {
    const s = survivors.find((p) => p.id === source.replacedBy);
    return { source, survivor: s ? patientSide(s) : undefined };
  });
}
