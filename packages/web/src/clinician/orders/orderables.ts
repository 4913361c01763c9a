/**
 * A short list of common orderable labs (LOINC) and medications (RxNorm), for the order forms'
 * pickers when the terminology service's search is not at hand. `orderables(system)` is the one
 * function the picker asks; a terminology-backed picker replaces it without touching the forms.
 */
import type { Coding } from '@medplum/fhirtypes';
import { LOINC, RXNORM } from './order-model.ts';

const lab = (code: string, display: string): Coding => ({ system: LOINC, code, display });
const med = (code: string, display: string): Coding => ({ system: RXNORM, code, display });

const LABS: Coding[] = [
  lab('4548-4', 'Hemoglobin A1c/Hemoglobin.total in Blood'),
  lab('2345-7', 'Glucose [Mass/volume] in Serum or Plasma'),
  lab('24323-8', 'Comprehensive metabolic 2000 panel - Serum or Plasma'),
  lab('51990-0', 'Basic metabolic panel - Blood'),
  lab('58410-2', 'CBC panel - Blood by Automated count'),
  lab('57698-3', 'Lipid panel with direct LDL - Serum or Plasma'),
  lab('3016-3', 'Thyrotropin [Units/volume] in Serum or Plasma'),
  lab('2160-0', 'Creatinine [Mass/volume] in Serum or Plasma'),
  lab('2823-3', 'Potassium [Moles/volume] in Serum or Plasma'),
  lab('14959-1', 'Microalbumin/Creatinine [Mass Ratio] in Urine'),
  lab('24356-8', 'Urinalysis complete panel - Urine'),
  lab('6301-6', 'INR in Platelet poor plasma by Coagulation assay'),
];

const MEDS: Coding[] = [
  med('861007', 'metformin hydrochloride 500 MG Oral Tablet'),
  med('861004', 'metformin hydrochloride 1000 MG Oral Tablet'),
  med('314076', 'lisinopril 10 MG Oral Tablet'),
  med('197361', 'amlodipine 5 MG Oral Tablet'),
  med('979492', 'losartan potassium 50 MG Oral Tablet'),
  med('310798', 'hydrochlorothiazide 25 MG Oral Tablet'),
  med('617310', 'atorvastatin 20 MG Oral Tablet'),
  med('617311', 'atorvastatin 40 MG Oral Tablet'),
  med('859747', 'rosuvastatin calcium 10 MG Oral Tablet'),
  med('866924', 'metoprolol tartrate 25 MG Oral Tablet'),
  med('310490', 'glipizide 5 MG Oral Tablet'),
  med('1545658', 'empagliflozin 10 MG Oral Tablet'),
  med('745679', 'albuterol 0.09 MG/ACTUAT Metered Dose Inhaler'),
  med('310429', 'furosemide 20 MG Oral Tablet'),
  med('243670', 'aspirin 81 MG Oral Tablet'),
];

/** The orderable codes of a code system (LOINC labs or RxNorm medications). */
export function orderables(system: string): Coding[] {
  if (system === LOINC) return LABS;
  if (system === RXNORM) return MEDS;
  return [];
}
