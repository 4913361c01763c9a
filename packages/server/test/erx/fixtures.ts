/**
 * Synthetic FHIR resources for the e-prescribing tests: a patient, a prescriber with an NPI, a
 * pharmacy with an NCPDP ID, and an active outpatient order for lisinopril sent to it. Invented
 * people and numbers only.
 */
import type { MedicationRequest, Organization, Patient, Practitioner } from '@medplum/fhirtypes';
import { NCPDP_ID_SYSTEM, NPI_SYSTEM, RXNORM } from '../../src/erx/codes.ts';
import { MRN_SYSTEM } from '../../src/store/mrn.ts';

export const patient = (id = 'pat-1'): Patient => ({
  resourceType: 'Patient',
  id,
  identifier: [{ system: MRN_SYSTEM, value: 'MRN-0042' }],
  name: [{ use: 'official', family: "O'Brien & Sons", given: ['Ana', 'Maria'] }],
  gender: 'female',
  birthDate: '1961-04-12',
  address: [{ use: 'home', line: ['12 <Elm> Street', 'Apt 3'], city: 'Springfield', state: 'IL', postalCode: '62701-1234' }],
  telecom: [{ system: 'phone', value: '(217) 555-0199' }],
});

export const prescriber = (id = 'prac-1'): Practitioner => ({
  resourceType: 'Practitioner',
  id,
  identifier: [{ system: NPI_SYSTEM, value: '1234567893' }],
  name: [{ family: 'Okafor', given: ['Chidi'] }],
  address: [{ line: ['1 Clinic Way'], city: 'Springfield', state: 'IL', postalCode: '62701' }],
  telecom: [{ system: 'phone', value: '217-555-0110' }],
});

export const pharmacy = (id = 'pharm-1', ncpdp = '9900101'): Organization => ({
  resourceType: 'Organization',
  id,
  ...(ncpdp ? { identifier: [{ system: NCPDP_ID_SYSTEM, value: ncpdp }] } : {}),
  name: 'Main Street Pharmacy',
  address: [{ line: ['120 Main Street'], city: 'Springfield', state: 'IL', postalCode: '62701' }],
  telecom: [{ system: 'phone', value: '217-555-0101' }, { system: 'fax', value: '217-555-0151' }],
});

export function order(over: Partial<MedicationRequest> = {}, ids = { patient: 'pat-1', prescriber: 'prac-1', pharmacy: 'pharm-1' }): MedicationRequest {
  return {
    resourceType: 'MedicationRequest',
    status: 'active',
    intent: 'order',
    subject: { reference: `Patient/${ids.patient}` },
    requester: { reference: `Practitioner/${ids.prescriber}` },
    authoredOn: '2026-11-20T15:04:05.000Z',
    medicationCodeableConcept: { coding: [{ system: RXNORM, code: '314076', display: 'lisinopril 10 MG Oral Tablet' }], text: 'lisinopril 10 MG Oral Tablet' },
    dosageInstruction: [
      {
        text: 'Take 1 tablet by mouth twice daily for 30 days',
        timing: { repeat: { frequency: 2, period: 1, periodUnit: 'd', boundsDuration: { value: 30, unit: 'days', system: 'http://unitsofmeasure.org', code: 'd' } } },
        route: { coding: [{ system: 'http://snomed.info/sct', code: '26643006', display: 'Oral route' }] },
        doseAndRate: [{ doseQuantity: { value: 1, unit: 'tablet' } }],
      },
    ],
    dispenseRequest: {
      quantity: { value: 60, unit: 'tablet' },
      numberOfRepeatsAllowed: 2,
      expectedSupplyDuration: { value: 30, unit: 'days', system: 'http://unitsofmeasure.org', code: 'd' },
      performer: { reference: `Organization/${ids.pharmacy}` },
    },
    substitution: { allowedBoolean: false, reason: { text: 'Patient stable on this brand' } },
    note: [{ text: 'Patient prefers blister packs' }],
    ...over,
  };
}
