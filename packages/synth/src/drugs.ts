/**
 * Drug choices by indication, all RxNorm clinical drugs: first-line agents for each chronic
 * condition (lisinopril, amlodipine, losartan or hydrochlorothiazide for hypertension, metformin
 * then glipizide, empagliflozin or insulin glargine for diabetes, statins for hyperlipidemia,
 * inhalers for asthma and COPD, SSRIs for depression and anxiety, anticoagulation for atrial
 * fibrillation...) with plain-language directions. Choices follow common US primary-care
 * practice loosely; this is synthetic data, not guidance.
 */
import type { ChronicKey } from './conditions.ts';
import type { Rng } from './prng.ts';

export interface Drug {
  rx: string;
  sig: string;
  /** Administrations per day, for the timing; 0 for as-needed. */
  perDay: number;
  dose: [number, string];
  route: 'oral' | 'inhaled' | 'subcutaneous';
  asNeeded?: boolean;
}

const d = (rx: string, sig: string, perDay: number, dose: [number, string], route: Drug['route'] = 'oral', asNeeded = false): Drug =>
  ({ rx, sig, perDay, dose, route, ...(asNeeded ? { asNeeded } : {}) });

export const DRUGS = {
  lisinopril10: d('314076', 'Take 1 tablet by mouth once daily', 1, [1, 'tablet']),
  amlodipine5: d('197361', 'Take 1 tablet by mouth once daily', 1, [1, 'tablet']),
  amlodipine10: d('308135', 'Take 1 tablet by mouth once daily', 1, [1, 'tablet']),
  losartan50: d('979492', 'Take 1 tablet by mouth once daily', 1, [1, 'tablet']),
  hctz25: d('310798', 'Take 1 tablet by mouth once daily in the morning', 1, [1, 'tablet']),
  metformin500: d('861007', 'Take 1 tablet by mouth twice daily with meals', 2, [1, 'tablet']),
  metformin1000: d('861004', 'Take 1 tablet by mouth twice daily with meals', 2, [1, 'tablet']),
  glipizide5: d('310490', 'Take 1 tablet by mouth once daily before breakfast', 1, [1, 'tablet']),
  empagliflozin10: d('1545658', 'Take 1 tablet by mouth once daily in the morning', 1, [1, 'tablet']),
  glargine: d('311041', 'Inject 20 units under the skin once daily at bedtime', 1, [20, 'U'], 'subcutaneous'),
  atorvastatin20: d('617310', 'Take 1 tablet by mouth once daily', 1, [1, 'tablet']),
  atorvastatin40: d('617311', 'Take 1 tablet by mouth once daily', 1, [1, 'tablet']),
  simvastatin20: d('312961', 'Take 1 tablet by mouth once daily in the evening', 1, [1, 'tablet']),
  simvastatin40: d('198211', 'Take 1 tablet by mouth once daily in the evening', 1, [1, 'tablet']),
  rosuvastatin10: d('859747', 'Take 1 tablet by mouth once daily', 1, [1, 'tablet']),
  aspirin81: d('243670', 'Take 1 tablet by mouth once daily', 1, [1, 'tablet']),
  metoprolol25: d('866924', 'Take 1 tablet by mouth twice daily', 2, [1, 'tablet']),
  metoprolol50: d('866514', 'Take 1 tablet by mouth twice daily', 2, [1, 'tablet']),
  carvedilol: d('200032', 'Take 1 tablet by mouth twice daily with food', 2, [1, 'tablet']),
  warfarin5: d('855332', 'Take 1 tablet by mouth once daily in the evening or as directed by the anticoagulation clinic', 1, [1, 'tablet']),
  apixaban5: d('1364445', 'Take 1 tablet by mouth twice daily', 2, [1, 'tablet']),
  furosemide20: d('310429', 'Take 1 tablet by mouth once daily in the morning', 1, [1, 'tablet']),
  furosemide40: d('313988', 'Take 1 tablet by mouth once daily in the morning', 1, [1, 'tablet']),
  albuterol: d('745679', 'Inhale 2 puffs by mouth every 4 to 6 hours as needed for wheezing or shortness of breath', 0, [2, 'puff'], 'inhaled', true),
  fluticasone: d('895994', 'Inhale 2 puffs by mouth twice daily; rinse mouth after use', 2, [2, 'puff'], 'inhaled'),
  prednisone10: d('198145', 'Take 4 tablets by mouth once daily for 5 days', 1, [4, 'tablet']),
  sertraline50: d('312941', 'Take 1 tablet by mouth once daily', 1, [1, 'tablet']),
  escitalopram10: d('349332', 'Take 1 tablet by mouth once daily', 1, [1, 'tablet']),
  fluoxetine20: d('310385', 'Take 1 capsule by mouth once daily in the morning', 1, [1, 'capsule']),
  duloxetine30: d('596930', 'Take 1 capsule by mouth once daily', 1, [1, 'capsule']),
  tramadol50: d('835603', 'Take 1 tablet by mouth every 6 hours as needed for moderate pain; do not exceed 4 tablets a day', 0, [1, 'tablet'], 'oral', true),
  varenicline1: d('636676', 'Take 1 tablet by mouth twice daily after eating, with a full glass of water', 2, [1, 'tablet']),
  nicotineGum: d('314119', 'Chew 1 piece every 1 to 2 hours as needed for cravings; up to 24 pieces a day', 0, [1, 'piece'], 'oral', true),
  semaglutide7: d('2200656', 'Take 1 tablet by mouth once daily, 30 minutes before the first food of the day', 1, [1, 'tablet']),
} as const;

export type DrugName = keyof typeof DRUGS;

/** The maintenance regimen for one chronic condition, given its severity; may be empty (untreated). */
export function regimen(rng: Rng, key: ChronicKey, severity: number, age: number, taken: ReadonlySet<DrugName>): DrugName[] {
  switch (key) {
    case 'htn': {
      if (!rng.chance(0.85)) return [];
      const first = rng.weighted([['lisinopril10', 35], ['amlodipine5', 25], ['losartan50', 20], ['hctz25', 20]] as const);
      return severity > 0.55 ? [first, first === 'amlodipine5' ? 'hctz25' : 'amlodipine10'] : [first];
    }
    case 't2dm': {
      const out: DrugName[] = [severity > 0.4 ? 'metformin1000' : 'metformin500'];
      if (severity > 0.55) out.push(rng.weighted([['glipizide5', 50], ['empagliflozin10', 50]] as const));
      if (severity > 0.85 && age >= 18) out.push('glargine');
      return out;
    }
    case 'hld':
      if (!rng.chance(0.85)) return [];
      return [rng.weighted([['atorvastatin20', 30], ['atorvastatin40', 20], ['simvastatin20', 15], ['simvastatin40', 15], ['rosuvastatin10', 20]] as const)];
    case 'cad': {
      const statin = [...taken].some((n) => /statin/.test(n));
      return ['aspirin81', ...(statin ? [] : ['atorvastatin40' as const]), ...(taken.has('metoprolol50') ? [] : ['metoprolol25' as const])];
    }
    case 'afib':
      return [rng.chance(0.3) ? 'warfarin5' : 'apixaban5', ...(taken.has('metoprolol25') ? [] : ['metoprolol50' as const])];
    case 'hf':
      return ['furosemide40', 'carvedilol'];
    case 'asthma':
      return severity > 0.45 ? ['albuterol', 'fluticasone'] : ['albuterol'];
    case 'copd':
      return severity > 0.6 ? ['albuterol', 'fluticasone'] : ['albuterol'];
    case 'depression':
      if (!rng.chance(0.75)) return [];
      return [rng.weighted([['sertraline50', 45], ['escitalopram10', 35], ['fluoxetine20', 20]] as const)];
    case 'anxiety':
      if (taken.has('sertraline50') || taken.has('escitalopram10') || taken.has('fluoxetine20') || !rng.chance(0.6)) return [];
      return [rng.weighted([['sertraline50', 40], ['escitalopram10', 40], ['duloxetine30', 20]] as const)];
    case 'ckd':
      return severity > 0.8 && !taken.has('furosemide40') ? ['furosemide20'] : [];
    case 'oa':
      return rng.chance(0.35) ? ['tramadol50'] : [];
    case 'smoker':
      return rng.chance(0.3) ? [rng.chance(0.5) ? 'varenicline1' : 'nicotineGum'] : [];
    case 'obesity':
      return age >= 18 && rng.chance(0.08) ? ['semaglutide7'] : [];
    case 'rhinitis':
      return [];
  }
}
