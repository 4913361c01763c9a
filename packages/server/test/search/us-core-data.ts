/**
 * Hand-made US Core resources for what the Synthea sample lacks: heart-rate Observations on dates
 * other than Synthea's single visit (so date searches can split a patient's data),
 * MedicationRequest, MedicationDispense, AllergyIntolerance, DocumentReference, Goal, Device,
 * Location, PractitionerRole, Provenance, Coverage, ServiceRequest, Specimen,
 * QuestionnaireResponse, RelatedPerson, CarePlans with the US Core category, categorised
 * Conditions and an Encounter with a location. Two of most things per patient, differing in
 * status, category, code and date, so that every US Core search has something to keep and
 * something to leave out. All synthetic; ids are fixed so the test can name them.
 */
import type { Json } from './corpus.ts';

export const SYS = {
  loinc: 'http://loinc.org',
  snomed: 'http://snomed.info/sct',
  rxnorm: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  nucc: 'http://nucc.org/provider-taxonomy',
  allergyClinical: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical',
  conditionClinical: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  conditionCategory: 'http://terminology.hl7.org/CodeSystem/condition-category',
  docCategory: 'http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category',
  obsCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  carePlanCategory: 'http://hl7.org/fhir/us/core/CodeSystem/careplan-category',
  mrCategory: 'http://terminology.hl7.org/CodeSystem/medicationrequest-category',
} as const;

const cc = (system: string, code: string, display?: string): Json => ({ coding: [{ system, code, ...(display ? { display } : {}) }], ...(display ? { text: display } : {}) });

export interface UsCoreContext {
  /** Two Synthea patient ids. */
  patients: [string, string];
  practitioners: [string, string];
  organization: string;
  /** One Synthea encounter id per patient. */
  encounters: [string, string];
}

export const LOCATIONS: Json[] = [
  {
    resourceType: 'Location', id: 'usc-loc-1', status: 'active', name: 'Continuum Harbour Clinic',
    address: { line: ['1 Harbour Way'], city: 'Boston', state: 'MA', postalCode: '02115', country: 'US' },
  },
  {
    resourceType: 'Location', id: 'usc-loc-2', status: 'active', name: 'Springfield Ward West',
    address: { line: ['742 Evergreen Terrace'], city: 'Springfield', state: 'IL', postalCode: '62701', country: 'US' },
  },
];

export const MEDICATIONS: Json[] = [
  { resourceType: 'Medication', id: 'usc-med-1', code: cc(SYS.rxnorm, '197361', 'Amlodipine 5 MG Oral Tablet') },
  { resourceType: 'Medication', id: 'usc-med-2', code: cc(SYS.rxnorm, '314076', 'Lisinopril 10 MG Oral Tablet') },
];

/** The hand-made resources of patient `i` (0 or 1). */
export function patientResources(ctx: UsCoreContext, i: 0 | 1): Json[] {
  const pid = ctx.patients[i];
  const patient = { reference: `Patient/${pid}` };
  const encounter = { reference: `Encounter/${ctx.encounters[i]}` };
  const id = (name: string): string => `usc-${name}-${i}`;
  const year = 2019 + i;
  return [
    ...[`${year - 2}-06-15T10:00:00Z`, `${year + 1}-09-01T14:30:00Z`, `${year + 3}-01-20T08:05:00Z`].map((when, n) => ({
      resourceType: 'Observation', id: id(`hr-${n + 1}`), status: n === 2 ? 'preliminary' : 'final', category: [cc(SYS.obsCategory, 'vital-signs')],
      code: cc(SYS.loinc, '8867-4', 'Heart rate'), subject: patient, effectiveDateTime: when,
      valueQuantity: { value: 60 + 10 * n, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
    })),
    { resourceType: 'MedicationRequest', id: id('mr-1'), status: 'active', intent: 'order', subject: patient, encounter, medicationReference: { reference: 'Medication/usc-med-1' }, authoredOn: `${year}-05-01`, category: [cc(SYS.mrCategory, 'outpatient')] },
    { resourceType: 'MedicationRequest', id: id('mr-2'), status: 'completed', intent: 'order', subject: patient, medicationCodeableConcept: cc(SYS.rxnorm, '1049221', 'Acetaminophen 325 MG Oral Tablet'), authoredOn: `${year + 1}-02-01` },
    { resourceType: 'MedicationRequest', id: id('mr-3'), status: 'active', intent: 'plan', subject: patient, medicationReference: { reference: 'Medication/usc-med-2' }, authoredOn: `${year + 2}-01-01` },
    { resourceType: 'MedicationDispense', id: id('md-1'), status: 'completed', subject: patient, medicationReference: { reference: 'Medication/usc-med-1' }, type: cc('http://terminology.hl7.org/CodeSystem/v3-ActCode', 'FF', 'First Fill') },
    { resourceType: 'MedicationDispense', id: id('md-2'), status: 'in-progress', subject: patient, medicationReference: { reference: 'Medication/usc-med-2' } },
    { resourceType: 'AllergyIntolerance', id: id('ai-1'), patient, clinicalStatus: cc(SYS.allergyClinical, 'active'), code: cc(SYS.snomed, '91936005', 'Allergy to penicillin') },
    { resourceType: 'AllergyIntolerance', id: id('ai-2'), patient, clinicalStatus: cc(SYS.allergyClinical, 'resolved'), code: cc(SYS.snomed, '300913006', 'Shellfish allergy') },
    { resourceType: 'Condition', id: id('cond-1'), subject: patient, category: [cc(SYS.conditionCategory, 'problem-list-item')], clinicalStatus: cc(SYS.conditionClinical, 'active'), code: cc(SYS.snomed, '38341003', 'Hypertension'), onsetDateTime: `${year}-03-10`, recordedDate: `${year}-03-11` },
    { resourceType: 'Condition', id: id('cond-2'), subject: patient, category: [cc(SYS.conditionCategory, 'encounter-diagnosis')], clinicalStatus: cc(SYS.conditionClinical, 'resolved'), code: cc(SYS.snomed, '444814009', 'Viral sinusitis'), onsetDateTime: `${year + 1}-11-02`, encounter },
    {
      resourceType: 'DocumentReference', id: id('doc-1'), status: 'current', subject: patient, type: cc(SYS.loinc, '34133-9', 'Summary of episode note'),
      category: [cc(SYS.docCategory, 'clinical-note')], date: `${year}-01-15T10:00:00Z`,
      content: [{ attachment: { contentType: 'text/plain', data: 'U3ludGhldGlj' } }], context: { period: { start: `${year}-01-10`, end: `${year}-01-15` } },
    },
    {
      resourceType: 'DocumentReference', id: id('doc-2'), status: 'superseded', subject: patient, type: cc(SYS.loinc, '18842-5', 'Discharge summary'),
      category: [cc(SYS.docCategory, 'clinical-note')], date: `${year + 2}-06-01T08:30:00Z`,
      content: [{ attachment: { contentType: 'text/plain', data: 'U3ludGhldGlj' } }], context: { period: { start: `${year + 2}-05-28`, end: `${year + 2}-06-01` } },
    },
    { resourceType: 'Goal', id: id('goal-1'), lifecycleStatus: 'active', description: { text: 'Walk daily' }, subject: patient, target: [{ dueDate: `${year + 3}-01-01` }] },
    { resourceType: 'Goal', id: id('goal-2'), lifecycleStatus: 'completed', description: { text: 'Stop smoking' }, subject: patient, target: [{ dueDate: `${year - 1}-01-01` }] },
    { resourceType: 'Device', id: id('dev-1'), patient, type: cc(SYS.snomed, '14106009', 'Cardiac pacemaker'), udiCarrier: [{ deviceIdentifier: `0950000${i}` }] },
    { resourceType: 'Device', id: id('dev-2'), patient, type: cc(SYS.snomed, '468063009', 'Coated femoral stem prosthesis') },
    { resourceType: 'Coverage', id: id('cov-1'), status: 'active', beneficiary: patient, payor: [{ reference: `Organization/${ctx.organization}` }] },
    { resourceType: 'ServiceRequest', id: id('sr-1'), status: 'active', intent: 'order', subject: patient, category: [cc(SYS.snomed, '386053000', 'Evaluation procedure')], code: cc(SYS.loinc, '24323-8', 'Comprehensive metabolic panel'), authoredOn: `${year}-03-01` },
    { resourceType: 'ServiceRequest', id: id('sr-2'), status: 'completed', intent: 'order', subject: patient, category: [cc(SYS.snomed, '387713003', 'Surgical procedure')], code: cc(SYS.snomed, '80146002', 'Appendectomy'), authoredOn: `${year + 2}-04-01` },
    { resourceType: 'Specimen', id: id('spec-1'), subject: patient, type: cc(SYS.snomed, '119297000', 'Blood specimen') },
    { resourceType: 'QuestionnaireResponse', id: id('qr-1'), status: 'completed', subject: patient, authored: `${year}-05-01T09:00:00Z`, questionnaire: 'http://example.org/Questionnaire/phq-9' },
    { resourceType: 'QuestionnaireResponse', id: id('qr-2'), status: 'in-progress', subject: patient, authored: `${year + 2}-05-01T09:00:00Z`, questionnaire: 'http://example.org/Questionnaire/gad-7' },
    { resourceType: 'RelatedPerson', id: id('rp-1'), patient, name: [{ family: `Relative${i}`, given: ['Ruth'] }] },
    { resourceType: 'CarePlan', id: id('cp-1'), status: 'active', intent: 'plan', subject: patient, category: [cc(SYS.carePlanCategory, 'assess-plan')], period: { start: `${year}-01-01` } },
    { resourceType: 'CarePlan', id: id('cp-2'), status: 'completed', intent: 'plan', subject: patient, category: [cc(SYS.carePlanCategory, 'assess-plan')], period: { start: `${year - 3}-01-01`, end: `${year - 2}-01-01` } },
    { resourceType: 'Encounter', id: id('enc-loc'), status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, subject: patient, period: { start: `${year + 3}-02-02T09:00:00Z`, end: `${year + 3}-02-02T09:30:00Z` }, location: [{ location: { reference: `Location/usc-loc-${i + 1}` } }], identifier: [{ system: 'urn:continuum:test:encounter', value: id('enc-loc') }] },
    {
      resourceType: 'Provenance', id: id('prov-1'), target: [patient, { reference: `MedicationRequest/${id('mr-1')}` }], recorded: `${year}-05-01T12:00:00Z`,
      agent: [{ who: { reference: `Organization/${ctx.organization}` } }],
    },
  ];
}

export function practitionerRoles(ctx: UsCoreContext): Json[] {
  return [
    { resourceType: 'PractitionerRole', id: 'usc-role-1', practitioner: { reference: `Practitioner/${ctx.practitioners[0]}` }, organization: { reference: `Organization/${ctx.organization}` }, specialty: [cc(SYS.nucc, '207Q00000X', 'Family Medicine')] },
    { resourceType: 'PractitionerRole', id: 'usc-role-2', practitioner: { reference: `Practitioner/${ctx.practitioners[1]}` }, specialty: [cc(SYS.nucc, '208D00000X', 'General Practice')] },
  ];
}
