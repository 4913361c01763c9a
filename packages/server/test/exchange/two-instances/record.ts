/**
 * The synthetic patient of the end-to-end scenario and what the primary care clinic documents
 * about her: two problems, three medications, one allergy, and a lipid panel (two results under a
 * DiagnosticReport). Codes are real (SNOMED CT, RxNorm ingredients, LOINC) so that matching by
 * code means something; the person is invented.
 */
import type { AllergyIntolerance, Condition, DiagnosticReport, MedicationRequest, Observation, Patient } from '@medplum/fhirtypes';

const SNOMED = 'http://snomed.info/sct';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const LOINC = 'http://loinc.org';

export const MRN_SYSTEM = 'urn:oid:2.16.840.1.113883.3.9999.1';

export function patient(mrn: string): Patient {
  return {
    resourceType: 'Patient',
    identifier: [{ system: MRN_SYSTEM, value: mrn, type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] } }],
    active: true,
    name: [{ use: 'official', family: 'Quillfeather', given: ['Rosalind', 'May'] }],
    gender: 'female',
    birthDate: '1958-09-14',
    telecom: [
      { system: 'phone', value: '555-0142', use: 'home' },
      { system: 'email', value: 'r.quillfeather@example.org' },
    ],
    address: [{ line: ['12 Orchard Lane'], city: 'Millbrook', state: 'OR', postalCode: '97000', country: 'US' }],
  };
}

const subject = (patientId: string) => ({ reference: `Patient/${patientId}` });

export const PROBLEMS = [
  { code: '44054006', display: 'Type 2 diabetes mellitus' },
  { code: '38341003', display: 'Hypertensive disorder' },
] as const;

export function condition(patientId: string, p: (typeof PROBLEMS)[number]): Condition {
  return {
    resourceType: 'Condition',
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item' }] }],
    code: { coding: [{ system: SNOMED, ...p }], text: p.display },
    subject: subject(patientId),
    onsetDateTime: '2015-03-02',
  };
}

/** RxNorm ingredients. Atorvastatin is also on the hospital's own list (a duplicate to detect). */
export const MEDICATIONS = {
  metformin: { code: '6809', display: 'metformin' },
  lisinopril: { code: '29046', display: 'lisinopril' },
  atorvastatin: { code: '83367', display: 'atorvastatin' },
} as const;

export function medication(patientId: string, m: (typeof MEDICATIONS)[keyof typeof MEDICATIONS], authoredOn: string): MedicationRequest {
  return {
    resourceType: 'MedicationRequest',
    status: 'active',
    intent: 'order',
    medicationCodeableConcept: { coding: [{ system: RXNORM, ...m }], text: m.display },
    subject: subject(patientId),
    authoredOn,
    dosageInstruction: [{ text: 'once daily' }],
  };
}

export const ALLERGY = { code: '764146007', display: 'Penicillin' } as const;

export function allergy(patientId: string): AllergyIntolerance {
  return {
    resourceType: 'AllergyIntolerance',
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] },
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: 'confirmed' }] },
    category: ['medication'],
    criticality: 'high',
    code: { coding: [{ system: SNOMED, ...ALLERGY }], text: ALLERGY.display },
    patient: subject(patientId),
    reaction: [{ manifestation: [{ coding: [{ system: SNOMED, code: '271807003', display: 'Eruption of skin' }] }] }],
  };
}

export const LABS = {
  ldl: { code: '13457-7', display: 'Cholesterol in LDL [Mass/volume] in Serum or Plasma by calculation', value: 162, unit: 'mg/dL' },
  hdl: { code: '2085-9', display: 'Cholesterol in HDL [Mass/volume] in Serum or Plasma', value: 41, unit: 'mg/dL' },
  /** The result that arrives after the hospital follows the patient. */
  troponin: { code: '6598-7', display: 'Troponin T.cardiac [Mass/volume] in Serum or Plasma', value: 0.02, unit: 'ng/mL' },
} as const;

export function lab(patientId: string, l: (typeof LABS)[keyof typeof LABS], effective: string): Observation {
  return {
    resourceType: 'Observation',
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
    code: { coding: [{ system: LOINC, code: l.code, display: l.display }] },
    subject: subject(patientId),
    effectiveDateTime: effective,
    valueQuantity: { value: l.value, unit: l.unit, system: 'http://unitsofmeasure.org', code: l.unit },
  };
}

export const PANEL = { code: '57698-3', display: 'Lipid panel with direct LDL - Serum or Plasma' } as const;

export function report(patientId: string, results: string[], effective: string): DiagnosticReport {
  return {
    resourceType: 'DiagnosticReport',
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'LAB' }] }],
    code: { coding: [{ system: LOINC, ...PANEL }] },
    subject: subject(patientId),
    effectiveDateTime: effective,
    issued: `${effective}T15:00:00Z`,
    result: results.map((id) => ({ reference: `Observation/${id}` })),
  };
}

/** The first coding's code of a resource's main concept (code or medicationCodeableConcept). */
export function codeOf(r: { code?: { coding?: { code?: string }[] }; medicationCodeableConcept?: { coding?: { code?: string }[] } }): string | undefined {
  return (r.code ?? r.medicationCodeableConcept)?.coding?.[0]?.code;
}
