/**
 * What the demo clinic bills for a visit, by the synthetic generator's visit type: CPT-coded line
 * items with the clinic's charge and the share the patient owes after insurance. Synthetic prices,
 * in cents; for demonstration only.
 */
export const CPT = 'http://www.ama-assn.org/go/cpt';

export interface DemoCharge {
  code: string;
  display: string;
  chargeCents: number;
}

const E_M_LOW: DemoCharge = { code: '99213', display: 'Office visit, established patient, low complexity', chargeCents: 13_000 };
const E_M_MODERATE: DemoCharge = { code: '99214', display: 'Office visit, established patient, moderate complexity', chargeCents: 18_500 };
const VENIPUNCTURE: DemoCharge = { code: '36415', display: 'Routine venipuncture', chargeCents: 1_500 };

const BY_VISIT_TYPE: Readonly<Record<string, readonly DemoCharge[]>> = {
  'annual-physical': [{ code: '99396', display: 'Preventive visit, established patient, 40-64 years', chargeCents: 24_500 }, VENIPUNCTURE, { code: '80053', display: 'Comprehensive metabolic panel', chargeCents: 4_800 }],
  'well-child': [{ code: '99393', display: 'Preventive visit, established patient, 5-11 years', chargeCents: 21_000 }, { code: '90460', display: 'Immunization administration', chargeCents: 2_500 }],
  'chronic-followup': [E_M_MODERATE, VENIPUNCTURE, { code: '83036', display: 'Hemoglobin A1c', chargeCents: 4_500 }],
  'new-problem': [E_M_MODERATE, { code: '85025', display: 'Complete blood count with differential', chargeCents: 3_200 }],
  'sick-visit': [E_M_LOW, { code: '87880', display: 'Rapid strep test', chargeCents: 3_500 }],
};

export const chargesFor = (visitType: string | undefined): readonly DemoCharge[] => BY_VISIT_TYPE[visitType ?? ''] ?? [E_M_LOW];

/** The patient's share of a charge: a co-insurance of 10, 20 or 30 percent, by `n`. */
export const patientShareCents = (chargeCents: number, n: number): number => Math.round((chargeCents * [10, 20, 30][n % 3]!) / 100);
