/**
 * The identifiers and codes e-prescribing reads and writes: how a pharmacy is recognised (NCPDP
 * Provider ID, NUCC taxonomy), the Task and document codes of a NewRx waiting to be sent, and the
 * NCPDP code values a NewRx carries (NCI Thesaurus units of measure and dosage forms, SNOMED CT
 * time units). Sources are named beside each table; values not confirmed against the NCPDP
 * External Code List are left out (the renderer then writes "unspecified", C38046).
 */

/** HL7's NamingSystem for the NCPDP Provider Identification Number (the pharmacy's NCPDP ID). */
export const NCPDP_ID_SYSTEM = 'http://terminology.hl7.org/NamingSystem/NCPDPProviderIdentificationNumber';
export const NPI_SYSTEM = 'http://hl7.org/fhir/sid/us-npi';
export const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
export const NDC = 'http://hl7.org/fhir/sid/ndc';
export const ICD10CM = 'http://hl7.org/fhir/sid/icd-10-cm';
export const SNOMED = 'http://snomed.info/sct';
export const LOINC = 'http://loinc.org';
/** The NCI Thesaurus, as HL7 terminology names it (NCPDP's units of measure are NCI concepts). */
export const NCI = 'http://ncithesaurus-stage.nci.nih.gov';

/** NUCC Health Care Provider Taxonomy: 333600000X "Pharmacy" (the type every pharmacy carries). */
export const NUCC = 'http://nucc.org/provider-taxonomy';
export const PHARMACY_TYPE = { system: NUCC, code: '333600000X', display: 'Pharmacy' } as const;
/** The search that lists pharmacies: `Organization?type=...`. */
export const PHARMACY_TYPE_TOKEN = `${PHARMACY_TYPE.system}|${PHARMACY_TYPE.code}`;

/** The Task that sends one e-prescription message (Continuum's own code). */
export const TASK_CODE_SYSTEM = 'urn:continuum:task-code';
export const ERX_SEND = { system: TASK_CODE_SYSTEM, code: 'erx-send', display: 'Send e-prescription' } as const;
export const ERX_SEND_TOKEN = `${ERX_SEND.system}|${ERX_SEND.code}`;

/** LOINC 57833-6 "Prescription for medication": the type of the stored NewRx document. */
export const PRESCRIPTION_DOC_TYPE = { system: LOINC, code: '57833-6', display: 'Prescription for medication' } as const;
/** The message's identifier on its DocumentReference (the NCPDP MessageID). */
export const MESSAGE_ID_SYSTEM = 'urn:continuum:erx-message-id';
/** The sender's own id for a transmitted message, on the completed Task's output. */
export const TRANSMISSION_ID = 'urn:continuum:erx-transmission-id';

/**
 * NCPDP QuantityUnitOfMeasure / StrengthUnitOfMeasure codes (NCI Thesaurus concept codes used by
 * the NCPDP Terminology subset), by the unit word or UCUM code a Continuum order carries.
 * Source: NCI Thesaurus, NCPDP subset (C89510); C38046 is "Unspecified".
 */
export const NCPDP_UNITS: Readonly<Record<string, { code: string; text: string }>> = {
  tablet: { code: 'C48542', text: 'Tablet' },
  capsule: { code: 'C48480', text: 'Capsule' },
  ml: { code: 'C28254', text: 'Milliliter' },
  mg: { code: 'C28253', text: 'Milligram' },
  g: { code: 'C48155', text: 'Gram' },
  each: { code: 'C64933', text: 'Each' },
  patch: { code: 'C48524', text: 'Patch' },
  suppository: { code: 'C48539', text: 'Suppository' },
};
export const UNSPECIFIED_UNIT = { code: 'C38046', text: 'Unspecified' } as const;

/** NCI Thesaurus dosage forms (NCPDP StrengthForm), by the word ending an RxNorm clinical drug name. */
export const NCPDP_FORMS: Readonly<Record<string, string>> = {
  tablet: 'C42998',
  capsule: 'C25158',
};

/** SNOMED CT time units used in the structured Sig. */
export const SNOMED_TIME_UNITS: Readonly<Record<string, { code: string; text: string }>> = {
  h: { code: '258702006', text: 'hour' },
  d: { code: '258703001', text: 'day' },
  wk: { code: '258705008', text: 'week' },
};
/** SNOMED CT 419652001 "Take" (dose delivery method), the only one the structured Sig codes. */
export const SNOMED_TAKE = { code: '419652001', text: 'Take' } as const;

/** The NCPDP unit for a quantity's unit word or UCUM code; "unspecified" when unknown. */
export function ncpdpUnit(unit: string | undefined, code?: string, system?: string): { code: string; text: string } {
  if (system === NCI && code) return { code, text: unit ?? code };
  const key = (code ?? unit ?? '').toLowerCase().replace(/s$/, '');
  return NCPDP_UNITS[key] ?? NCPDP_UNITS[(unit ?? '').toLowerCase().replace(/s$/, '')] ?? UNSPECIFIED_UNIT;
}
