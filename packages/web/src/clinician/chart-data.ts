/**
 * What the chart banner and summary show, loaded in one go: ten requests sent in parallel, the
 * patient (with its primary care providers included) and nine searches (allergies, problems,
 * medications, immunizations, vitals, labs, appointments, flags, care team), each asking for no
 * more than the screen shows.
 * The same criteria are what the e2e test asks the API for, to check the screen against.
 * A section the user's role may not read (the API answers 403, e.g. allergies for the front
 * desk) is marked denied and shown as such, never as "none recorded"; the rest still loads.
 */
import type { AllergyIntolerance, Appointment, Condition, Flag, Immunization, Medication, MedicationRequest, Observation, Patient, Practitioner } from '@medplum/fhirtypes';
import { FhirError, type FhirClient } from '../fhir/client.ts';
import { conceptText } from '../fhir/format.ts';
import { careTeamMembers, nameOf, splitFlags, type CareTeamMember, type CodeStatus } from './chart-flags.ts';

export type SummarySection = 'allergies' | 'problems' | 'medications' | 'immunizations' | 'vitals' | 'labs' | 'appointments' | 'flags' | 'careTeam';

export interface ChartSummary {
  patient: Patient;
  /** Sections the user's role may not read: their lists are empty and must be shown as not available. */
  denied: ReadonlySet<SummarySection>;
  allergies: AllergyIntolerance[];
  problems: Condition[];
  medications: { request: MedicationRequest; name: string }[];
  immunizations: Immunization[];
  /** The latest Observation of each vital sign. */
  vitals: Observation[];
  labs: Observation[];
  appointments: Appointment[];
  /** The primary care providers' names, from `Patient.generalPractitioner`. */
  pcp: string[];
  /** The newest active code-status Flag, when one is recorded. */
  codeStatus?: CodeStatus;
  /** The other active Flags (fall risk, ...). */
  flags: Flag[];
  /** The active care teams' members, or the primary care providers when there is none. */
  careTeam: CareTeamMember[];
}

export function summaryCriteria(patientId: string, now: Date = new Date()) {
  const patient = patientId;
  return {
    allergies: { patient, 'clinical-status': 'active', _count: '50' },
    problems: { patient, 'clinical-status': 'active', _count: '100' },
    medications: { patient, status: 'active', _include: 'MedicationRequest:medication', _count: '100' },
    immunizations: { patient, _sort: '-date', _count: '8' },
    vitals: { patient, category: 'vital-signs', _sort: '-date', _count: '100' },
    labs: { patient, category: 'laboratory', _sort: '-date', _count: '12' },
    appointments: { patient, date: `ge${now.toISOString().slice(0, 10)}`, status: 'proposed,pending,booked,arrived,checked-in', _sort: 'date', _count: '5' },
    // Flag has no status search parameter in R4: the active ones are picked here.
    flags: { patient, _count: '50' },
    careTeam: { patient, status: 'active', _count: '10' },
  } satisfies Record<string, Record<string, string>>;
}

/** The newest Observation per code, in the order of the (newest first) input. */
export function latestPerCode(observations: readonly Observation[]): Observation[] {
  const seen = new Set<string>();
  const out: Observation[] = [];
  for (const o of observations) {
    const key = o.code.coding?.[0]?.code ?? conceptText(o.code);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(o);
  }
  return out;
}

export async function loadChartSummary(client: FhirClient, patientId: string, signal?: AbortSignal): Promise<ChartSummary> {
  const c = summaryCriteria(patientId);
  const denied = new Set<SummarySection>();
  /** The section's answer, or `empty` (and the section marked denied) when the role may not read it. */
  const section = async <T>(name: SummarySection, load: Promise<T>, empty: T): Promise<T> => {
    try {
      return await load;
    } catch (err) {
      if (!(err instanceof FhirError) || err.status !== 403) throw err;
      denied.add(name);
      return empty;
    }
  };
  const [patientBundle, allergies, problems, meds, immunizations, vitals, labs, appointments, flags, careTeams] = await Promise.all([
    client.search('Patient', { _id: patientId, _include: 'Patient:general-practitioner' }, signal),
    section('allergies', client.searchResources('AllergyIntolerance', c.allergies, signal), []),
    section('problems', client.searchResources('Condition', c.problems, signal), []),
    section('medications', client.search('MedicationRequest', c.medications, signal), { resourceType: 'Bundle', type: 'searchset' }),
    section('immunizations', client.searchResources('Immunization', c.immunizations, signal), []),
    section('vitals', client.searchResources('Observation', c.vitals, signal), []),
    section('labs', client.searchResources('Observation', c.labs, signal), []),
    section('appointments', client.searchResources('Appointment', c.appointments, signal), []),
    section('flags', client.searchResources('Flag', c.flags, signal), []),
    section('careTeam', client.searchResources('CareTeam', c.careTeam, signal), []),
  ]);
  // Typed as a Patient search, the Bundle also holds the included Practitioners.
  const found = (patientBundle.entry ?? []).map((e) => e.resource as Patient | Practitioner | undefined);
  const patient = found.find((r): r is Patient => r?.resourceType === 'Patient' && r.id === patientId);
  if (!patient) throw new FhirError(404, 'There is no patient with this id, or you may not see their chart.');
  const practitioners = found.filter((r): r is Practitioner => r?.resourceType === 'Practitioner');
  const gp = patient.generalPractitioner ?? [];
  const pcp = gp.map((r) => nameOf(r, practitioners));
  const included = new Map<string, Medication>();
  for (const e of meds.entry ?? []) {
    const r = e.resource as unknown as Medication | undefined;
    if (r?.resourceType === 'Medication' && r.id) included.set(`Medication/${r.id}`, r);
  }
  const medications = (meds.entry ?? [])
    .map((e) => e.resource)
    .filter((r): r is MedicationRequest => r?.resourceType === 'MedicationRequest')
    .map((request) => {
      const ref = request.medicationReference;
      const med = ref?.reference ? included.get(ref.reference) : undefined;
      const name = request.medicationCodeableConcept ? conceptText(request.medicationCodeableConcept) : (ref?.display ?? (med ? conceptText(med.code) : 'Medication'));
      return { request, name };
    });
  const { codeStatus, others } = splitFlags(flags);
  return {
    patient, denied, allergies, problems, medications, immunizations, vitals: latestPerCode(vitals), labs, appointments,
    pcp, ...(codeStatus ? { codeStatus } : {}), flags: others,
    // The PCP stands in for a missing care team, not for one the role may not read.
    careTeam: denied.has('careTeam') ? [] : careTeamMembers(careTeams, gp, practitioners),
  };
}
