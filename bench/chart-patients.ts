/**
 * Patients of a chosen size for the chart-open benchmark: a Patient and (size - 1) resources in
 * its compartment, shaped like a long primary-care record (allergies, problems active and
 * resolved, medications current and stopped, immunizations, encounters, appointments, a care
 * team, code status and fall-risk flags, and vital signs and labs for the rest), written through
 * the FHIR API in transaction Bundles. Deterministic for a given size; no randomness.
 */
import type { Bundle, Resource } from '@medplum/fhirtypes';

const DAY = 86_400_000;
const LOINC = 'http://loinc.org';
const OBS_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';

const VITALS: [string, string, string, number][] = [
  ['8867-4', 'Heart rate', '/min', 72], ['9279-1', 'Respiratory rate', '/min', 16], ['8310-5', 'Body temperature', 'Cel', 36.8],
  ['29463-7', 'Body weight', 'kg', 81], ['59408-5', 'Oxygen saturation in Arterial blood by Pulse oximetry', '%', 97],
];
const LABS: [string, string, string, number][] = [
  ['2345-7', 'Glucose [Mass/volume] in Serum or Plasma', 'mg/dL', 104], ['2160-0', 'Creatinine [Mass/volume] in Serum or Plasma', 'mg/dL', 1.1],
  ['2951-2', 'Sodium [Moles/volume] in Serum or Plasma', 'mmol/L', 139], ['2823-3', 'Potassium [Moles/volume] in Serum or Plasma', 'mmol/L', 4.3],
  ['4548-4', 'Hemoglobin A1c/Hemoglobin.total in Blood', '%', 7.1], ['2093-3', 'Cholesterol [Mass/volume] in Serum or Plasma', 'mg/dL', 188],
];

/** Where the Patient's reference goes until it has an id. */
const PATIENT_PLACEHOLDER = 'Patient/chart-bench-placeholder';

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The resources of one patient of `size` resources in all (the Patient included). */
export function chartPatient(size: number, label: string, now = Date.now()): Resource[] {
  const subject = { reference: PATIENT_PLACEHOLDER };
  const out: Resource[] = [{
    resourceType: 'Patient', name: [{ use: 'official', family: `Benchmark${label}`, given: ['Chart'] }], gender: 'female', birthDate: '1948-03-14',
    identifier: [{ system: 'urn:continuum:bench', value: `${label}-${now}` }],
  }];
  const room = () => size - out.length;
  const add = (r: Resource) => room() > 0 && out.push(r);
  const concept = (text: string) => ({ text });
  for (const a of ['Penicillin', 'Shellfish', 'Latex'].slice(0, Math.min(3, Math.floor(size / 30) + 1))) {
    add({ resourceType: 'AllergyIntolerance', patient: subject, clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] }, code: concept(a), criticality: 'high' });
  }
  add({ resourceType: 'Flag', status: 'active', subject, code: { coding: [{ system: 'urn:continuum:code-status', code: 'dnr', display: 'DNR (do not resuscitate)' }], text: 'DNR (do not resuscitate)' }, period: { start: iso(now - 200 * DAY).slice(0, 10) } });
  add({ resourceType: 'Flag', status: 'active', subject, code: { coding: [{ system: 'urn:continuum:flag', code: 'fall-risk', display: 'Fall risk' }], text: 'Fall risk' } });
  add({ resourceType: 'CareTeam', status: 'active', subject, participant: [{ role: [concept('Primary care provider')], member: { display: 'Dr. Bench Mark, MD' } }, { role: [concept('Nurse')], member: { display: 'Nia Nurse, RN' } }] });
  const scaled = (share: number, min: number, max: number) => Math.max(min, Math.min(max, Math.round(size * share)));
  for (let i = 0; i < scaled(0.02, 4, 60); i++) {
    const active = i < 8;
    add({ resourceType: 'Condition', subject, code: concept(`Condition ${i + 1}`), onsetDateTime: iso(now - (400 + i * 90) * DAY),
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: active ? 'active' : 'resolved' }] } });
  }
  for (let i = 0; i < scaled(0.03, 3, 120); i++) {
    add({ resourceType: 'MedicationRequest', status: i < 6 ? 'active' : 'stopped', intent: 'order', subject, medicationCodeableConcept: concept(`Medication ${i + 1} 10 MG Oral Tablet`),
      authoredOn: iso(now - (30 + i * 40) * DAY), dosageInstruction: [{ text: 'Take 1 tablet by mouth once daily' }] });
  }
  for (let i = 0; i < scaled(0.02, 2, 60); i++) {
    add({ resourceType: 'Immunization', status: 'completed', patient: subject, vaccineCode: concept(i % 2 ? 'Influenza, seasonal' : 'Tdap'), occurrenceDateTime: iso(now - (60 + i * 180) * DAY) });
  }
  for (let i = 0; i < 3; i++) {
    add({ resourceType: 'Appointment', status: 'booked', description: `Follow-up ${i + 1}`, start: iso(now + (7 + i * 30) * DAY), end: iso(now + (7 + i * 30) * DAY + 1_800_000), participant: [{ actor: subject, status: 'accepted' }] });
  }
  const encounters = scaled(0.1, 2, 600);
  for (let i = 0; i < encounters; i++) {
    const at = now - (10 + i * 7) * DAY;
    add({ resourceType: 'Encounter', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, subject, period: { start: iso(at), end: iso(at + 1_800_000) } });
  }
  // Observations fill the rest: alternately a vital sign and a lab, one visit every few days.
  for (let i = 0; room() > 0; i++) {
    const lab = i % 2 === 1;
    const [code, display, unit, value] = (lab ? LABS : VITALS)[Math.floor(i / 2) % (lab ? LABS.length : VITALS.length)]!;
    const at = now - (5 + Math.floor(i / 11) * 3) * DAY;
    add({ resourceType: 'Observation', status: 'final', subject, effectiveDateTime: iso(at),
      category: [{ coding: [{ system: OBS_CATEGORY, code: lab ? 'laboratory' : 'vital-signs' }] }],
      code: { coding: [{ system: LOINC, code, display }], text: display },
      valueQuantity: { value: Math.round(value * (0.9 + ((i * 7) % 20) / 100) * 10) / 10, unit, system: 'http://unitsofmeasure.org', code: unit } });
  }
  return out;
}

/** The resources after the Patient, pointed at `patientId`, as transaction Bundles of up to `per`. */
export function chartBundles(resources: readonly Resource[], patientId: string, per = 250): Bundle[] {
  const rest = resources.slice(1).map((r) => JSON.parse(JSON.stringify(r).split(PATIENT_PLACEHOLDER).join(`Patient/${patientId}`)) as Resource);
  const bundles: Bundle[] = [];
  for (let i = 0; i < rest.length; i += per) {
    bundles.push({ resourceType: 'Bundle', type: 'transaction', entry: rest.slice(i, i + per).map((r) => ({ resource: r, request: { method: 'POST', url: r.resourceType } })) });
  }
  return bundles;
}
