/**
 * Acute illnesses and injuries that bring people to the clinic, the emergency department or the
 * hospital: ICD-10-CM code, who gets them (age range, weight), whether they cause fever or low
 * oxygen saturation, and which drug (RxNorm, with a penicillin-allergy alternative) treats them.
 * Rates are illustrative, shaped after NAMCS/NHAMCS visit mixes; nothing here is clinical advice.
 */
export type AcuteKey = 'uri' | 'strep' | 'pharyngitis' | 'otitis' | 'sinusitis' | 'uti' | 'pneumonia' | 'cellulitis' | 'backpain' | 'sprain' | 'gastro' | 'cough' | 'chestpain' | 'abdpain';

export interface Acute {
  key: AcuteKey;
  icd: string;
  minAge: number;
  maxAge: number;
  weight: number;
  setting: 'clinic' | 'ed' | 'both';
  fever?: boolean;
  lowSpo2?: boolean;
  female?: boolean;
  /** RxNorm code of the usual drug, and of the alternative for penicillin-allergic patients. */
  drug?: { usual: string; allergic?: string; sig: string; days: number };
  complaint: string;
}

export const ACUTE: readonly Acute[] = [
  { key: 'uri', icd: 'J06.9', minAge: 0.2, maxAge: 120, weight: 30, setting: 'clinic', complaint: 'nasal congestion, sore throat and cough for several days' },
  { key: 'strep', icd: 'J02.0', minAge: 3, maxAge: 40, weight: 8, setting: 'clinic', fever: true, complaint: 'sore throat and fever',
    drug: { usual: '308191', allergic: '248656', sig: 'Take 1 capsule by mouth twice daily for 10 days', days: 10 } },
  { key: 'pharyngitis', icd: 'J02.9', minAge: 3, maxAge: 120, weight: 6, setting: 'clinic', complaint: 'sore throat' },
  { key: 'otitis', icd: 'H66.90', minAge: 0.5, maxAge: 10, weight: 18, setting: 'clinic', fever: true, complaint: 'ear pain and fussiness',
    drug: { usual: '308188', allergic: '248656', sig: 'Chew 1 tablet by mouth twice daily for 10 days', days: 10 } },
  { key: 'sinusitis', icd: 'J01.90', minAge: 18, maxAge: 120, weight: 10, setting: 'clinic', complaint: 'facial pressure and purulent nasal discharge for over 10 days',
    drug: { usual: '308194', allergic: '197517', sig: 'Take 1 tablet by mouth twice daily for 7 days', days: 7 } },
  { key: 'uti', icd: 'N39.0', minAge: 16, maxAge: 120, weight: 10, setting: 'clinic', female: true, complaint: 'dysuria and urinary frequency',
    drug: { usual: '1648759', allergic: '198335', sig: 'Take 1 capsule by mouth twice daily for 5 days', days: 5 } },
  { key: 'pneumonia', icd: 'J18.9', minAge: 0.5, maxAge: 120, weight: 4, setting: 'both', fever: true, lowSpo2: true, complaint: 'productive cough, fever and shortness of breath',
    drug: { usual: '248656', allergic: '197517', sig: 'Take 1 tablet by mouth daily for 5 days', days: 5 } },
  { key: 'cellulitis', icd: 'L03.90', minAge: 5, maxAge: 120, weight: 3, setting: 'both', complaint: 'red, warm, swollen skin on the lower leg',
    drug: { usual: '197454', allergic: '198335', sig: 'Take 1 tablet by mouth four times daily for 7 days', days: 7 } },
  { key: 'backpain', icd: 'M54.5', minAge: 18, maxAge: 120, weight: 8, setting: 'clinic', complaint: 'low back pain after lifting' },
  { key: 'sprain', icd: 'S93.401A', minAge: 6, maxAge: 70, weight: 5, setting: 'both', complaint: 'right ankle pain and swelling after a twisting injury' },
  { key: 'gastro', icd: 'A09', minAge: 0.5, maxAge: 120, weight: 7, setting: 'both', complaint: 'vomiting and diarrhea for two days' },
  { key: 'cough', icd: 'R05', minAge: 1, maxAge: 120, weight: 6, setting: 'clinic', complaint: 'persistent dry cough' },
  { key: 'chestpain', icd: 'R07.9', minAge: 25, maxAge: 120, weight: 4, setting: 'ed', complaint: 'chest pain' },
  { key: 'abdpain', icd: 'R10.9', minAge: 5, maxAge: 120, weight: 4, setting: 'ed', complaint: 'abdominal pain' },
];

export function acuteOptions(age: number, female: boolean, setting: 'clinic' | 'ed'): [Acute, number][] {
  return ACUTE.filter((a) => age >= a.minAge && age < a.maxAge && (!a.female || female) && (a.setting === 'both' || a.setting === setting))
    .map((a) => [a, a.female ? a.weight : a.weight] as [Acute, number]);
}
