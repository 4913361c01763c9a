/**
 * What the record tests share: a fuller record for the clinic's first patient (problems current
 * and resolved, medicines current and stopped, an allergy, a vaccine, a procedure, an encounter
 * the summary leaves out), a check that every reference of a Bundle resolves inside it (FHIR's
 * resolution rules for Bundles), and the text of a PDF as pdf.js reads it.
 */
import type { Bundle, Patient, Reference } from '@medplum/fhirtypes';
import type { TestServer } from '../fixtures/server.ts';
import { create, type Clinic } from '../auth/fixtures.ts';

export interface RecordIds {
  encounter: string;
  medication: string;
  activeMed: string;
  stoppedMed: string;
  activeProblem: string;
  resolvedProblem: string;
  allergy: string;
  immunization: string;
  procedure: string;
}

const clinical = (code: string) => ({ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code }] });

/** Adds a record to the clinic's patient A; `problemText` names its active problem. */
export async function addRecord(s: TestServer, clinic: Clinic, problemText: string): Promise<RecordIds> {
  const patient = `Patient/${clinic.patientA}`;
  const current = (await s.request('GET', `/${patient}`)).json as Patient;
  const updated = await s.request('PUT', `/${patient}`, {
    body: { ...current, managingOrganization: { reference: `Organization/${clinic.organization}` }, generalPractitioner: [{ reference: `Practitioner/${clinic.practitioner}` }],
      // Another patient's record, linked: it must stay out of this patient's summary.
      link: [{ other: { reference: `Patient/${clinic.patientB}` }, type: 'seealso' }],
    },
  });
  if (updated.status !== 200) throw new Error(`patient update failed: ${updated.status}`);
  // Another patient's result that this patient performed (a home test done for a relative): in
  // this patient's compartment, but not about them.
  await create(s, {
    resourceType: 'Observation',
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
    code: { text: 'Glucose (home test)' },
    subject: { reference: `Patient/${clinic.patientB}` },
    performer: [{ reference: patient }],
    valueQuantity: { value: 180, unit: 'mg/dL' },
  });
  const encounter = await create(s, { resourceType: 'Encounter', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, subject: { reference: patient } });
  const medication = await create(s, { resourceType: 'Medication', code: { text: 'Metformin 500 mg oral tablet' } });
  return {
    encounter,
    medication,
    activeMed: await create(s, {
      resourceType: 'MedicationRequest',
      status: 'active',
      intent: 'order',
      medicationReference: { reference: `Medication/${medication}` },
      subject: { reference: patient },
      encounter: { reference: `Encounter/${encounter}`, display: 'Annual visit' },
      requester: { reference: `Practitioner/${clinic.practitioner}` },
      authoredOn: '2026-01-15',
      dosageInstruction: [{ text: 'Take 1 tablet twice daily with meals' }],
    }),
    stoppedMed: await create(s, { resourceType: 'MedicationRequest', status: 'stopped', intent: 'order', medicationCodeableConcept: { text: 'Amoxicillin 500 mg capsule' }, subject: { reference: patient } }),
    activeProblem: await create(s, { resourceType: 'Condition', clinicalStatus: clinical('active'), code: { text: problemText }, subject: { reference: patient }, onsetDateTime: '2024-03-01' }),
    resolvedProblem: await create(s, { resourceType: 'Condition', clinicalStatus: clinical('resolved'), code: { text: 'Sprained ankle' }, subject: { reference: patient } }),
    allergy: await create(s, {
      resourceType: 'AllergyIntolerance',
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] },
      code: { text: 'Peanut' },
      criticality: 'high',
      patient: { reference: patient },
      reaction: [{ manifestation: [{ text: 'Hives' }] }],
    }),
    immunization: await create(s, { resourceType: 'Immunization', status: 'completed', vaccineCode: { text: 'Influenza vaccine' }, patient: { reference: patient }, occurrenceDateTime: '2025-10-01' }),
    procedure: await create(s, { resourceType: 'Procedure', status: 'completed', code: { text: 'Colonoscopy' }, subject: { reference: patient }, performedDateTime: '2023-05-20' }),
  };
}

function referencesIn(value: unknown, out: Reference[] = []): Reference[] {
  if (Array.isArray(value)) for (const v of value) referencesIn(v, out);
  else if (typeof value === 'object' && value !== null) {
    const o = value as { [k: string]: unknown };
    if (typeof o.reference === 'string') out.push(o as Reference);
    for (const [k, v] of Object.entries(o)) if (k !== 'contained') referencesIn(v, out);
  }
  return out;
}

/**
 * The references of a Bundle's entries that resolve to no entry: an absolute one must be some
 * entry's fullUrl; a relative one is read against the base of its own entry's RESTful fullUrl.
 */
export function unresolvedReferences(bundle: Bundle): string[] {
  const fullUrls = new Set((bundle.entry ?? []).map((e) => e.fullUrl));
  const out: string[] = [];
  for (const e of bundle.entry ?? []) {
    for (const ref of referencesIn(e.resource)) {
      const target = ref.reference!;
      if (target.startsWith('#')) continue;
      if (/^(urn:|https?:)/.test(target)) {
        if (!fullUrls.has(target)) out.push(target);
        continue;
      }
      const base = /^(https?:\/\/.+)\/[A-Za-z]+\/[^/]+$/.exec(e.fullUrl ?? '')?.[1];
      if (base === undefined || !fullUrls.has(`${base}/${target.replace(/\/_history\/.*$/, '')}`)) out.push(`${e.fullUrl} -> ${target}`);
    }
  }
  return out;
}

/** Every text item of every page of a PDF, one per line. */
export async function pdfText(pdf: Uint8Array): Promise<string> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(pdf), verbosity: 0 }).promise;
  const lines: string[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const content = await (await doc.getPage(n)).getTextContent();
    for (const item of content.items) if ('str' in item) lines.push(item.str);
  }
  await doc.destroy();
  return lines.join('\n');
}
