/**
 * A synthetic person's demographics and fixed traits: age drawn from a US-like age pyramid
 * (US Census Bureau 2020 age-sex distribution, 5-year bands), sex, OMB race and ethnicity
 * (Census 2020 shares), name tradition, preferred language, home town, clinic and primary care
 * provider, plus the latent traits that later drive vitals (height and BMI z-scores, blood
 * pressure offset, smoking). It builds no FHIR resources.
 */
import type { Directory, Org, Staff } from './directory.ts';
import { staffOf } from './directory.ts';
import type { NameGroup } from './names.ts';
import { NAMES } from './names.ts';
import { TOWNS } from './places.ts';
import type { Town } from './places.ts';
import type { Rng } from './prng.ts';
import { DAY, YEAR } from './time.ts';

export type Race = 'white' | 'black' | 'asian' | 'aian' | 'nhpi' | 'multi' | 'unknown';
export type Smoking = 'never' | 'former' | 'current';

export interface Person {
  sex: 'male' | 'female';
  birth: number;
  /** Age in years at the simulation's now. */
  age: number;
  race: Race;
  hispanic: boolean;
  group: NameGroup;
  language: string;
  given: string[];
  family: string;
  town: Town;
  clinic: Org;
  pcp: Staff;
  heightZ: number;
  bmiZ: number;
  sbpOffset: number;
  smoking: Smoking;
}

/** [lowest age, highest age, share %] — Census 2020, 5-year bands, 85+ capped at 99. */
const AGE_BANDS: readonly (readonly [[number, number], number])[] = [
  [[0, 4], 5.7], [[5, 9], 6.0], [[10, 14], 6.4], [[15, 19], 6.6], [[20, 24], 6.4], [[25, 29], 6.8],
  [[30, 34], 6.9], [[35, 39], 6.6], [[40, 44], 6.3], [[45, 49], 6.0], [[50, 54], 6.3], [[55, 59], 6.5],
  [[60, 64], 6.3], [[65, 69], 5.4], [[70, 74], 4.5], [[75, 79], 3.0], [[80, 84], 2.0], [[85, 99], 2.0],
];

/** Non-Hispanic race shares (Census 2020, % of the non-Hispanic population). */
const RACE_NON_HISPANIC: readonly (readonly [Race, number])[] = [
  ['white', 71], ['black', 15], ['asian', 7.3], ['aian', 0.9], ['nhpi', 0.25], ['multi', 5], ['unknown', 0.6],
];
/** Many Hispanic respondents choose "some other race"; those become unknown here. */
const RACE_HISPANIC: readonly (readonly [Race, number])[] = [
  ['white', 45], ['multi', 15], ['black', 3], ['aian', 2], ['unknown', 35],
];

function nameGroup(rng: Rng, race: Race, hispanic: boolean): NameGroup {
  if (hispanic) return rng.chance(0.9) ? 'hispanic' : 'anglo';
  switch (race) {
    case 'black': return rng.chance(0.55) ? 'african-american' : 'anglo';
    case 'asian': return rng.weighted([['east-asian', 40], ['south-asian', 28], ['vietnamese', 16], ['filipino', 16]] as const);
    case 'nhpi': return rng.chance(0.5) ? 'filipino' : 'anglo';
    case 'white': return rng.weighted([['anglo', 88], ['slavic', 7], ['arabic', 5]] as const);
    case 'aian':
    case 'multi':
    case 'unknown':
      return 'anglo';
  }
}

/** BCP-47 preferred language; English unless the name tradition suggests otherwise (ACS shares). */
function language(rng: Rng, group: NameGroup, age: number): string {
  const other: Partial<Record<NameGroup, [string, number]>> = {
    hispanic: ['es', 0.42], 'east-asian': [rng.weighted([['zh', 60], ['ko', 25], ['ja', 15]] as const), 0.35],
    vietnamese: ['vi', 0.45], filipino: ['tl', 0.15], 'south-asian': ['hi', 0.15], arabic: ['ar', 0.35], slavic: ['ru', 0.3],
  };
  const o = other[group];
  // Children mostly use English with clinicians even in non-English households.
  const p = o ? o[1] * (age < 18 ? 0.4 : age >= 65 ? 1.4 : 1) : 0;
  return o && rng.chance(p) ? o[0] : 'en';
}

function pickPcp(rng: Rng, dir: Directory, age: number): { clinic: Org; pcp: Staff } {
  const peds = dir.clinics[2] as Org;
  const clinic = age < 18 && rng.chance(0.7) ? peds : rng.pick(dir.clinics);
  const kinds = age < 18 ? (['pediatrician', 'family', 'np'] as const) : (['family', 'internist', 'np'] as const);
  const options = staffOf(dir, clinic, kinds);
  return { clinic, pcp: rng.pick(options.length > 0 ? options : staffOf(dir, clinic, ['family', 'np'])) };
}

export function samplePerson(rng: Rng, dir: Directory, now: number): Person {
  const [lo, hi] = rng.weighted(AGE_BANDS);
  // Women outnumber men at older ages (Census 2020: ~55% female at 75+, ~64% at 85+).
  const pFemale = lo >= 85 ? 0.64 : lo >= 75 ? 0.56 : lo >= 65 ? 0.53 : 0.495;
  const sex = rng.chance(pFemale) ? 'female' : 'male';
  const birth = Math.floor((now - (lo + rng.next() * (hi - lo + 1)) * YEAR) / DAY) * DAY;
  const age = (now - birth) / YEAR;
  const hispanic = rng.chance(0.187);
  const race = rng.weighted(hispanic ? RACE_HISPANIC : RACE_NON_HISPANIC);
  const group = nameGroup(rng, race, hispanic);
  const names = NAMES[group];
  const first = sex === 'female' ? names.female : names.male;
  const given = [rng.pick(first)];
  if (rng.chance(0.45)) given.push(rng.pick(first));
  let family = rng.pick(names.family);
  if (group === 'hispanic' && rng.chance(0.25)) family = `${family}-${rng.pick(names.family)}`;
  const town = rng.pick(TOWNS);
  const { clinic, pcp } = pickPcp(rng, dir, age);
  const smokingAge = age >= 18;
  const smoking: Smoking = !smokingAge ? 'never'
    : rng.weighted([['current', 11.5], ['former', age > 30 ? 24 : 8], ['never', 64.5]] as const);
  return {
    sex, birth, age, race, hispanic, group, language: language(rng, group, age), given, family, town, clinic, pcp,
    heightZ: rng.normal(0, 1, -2.5, 2.5), bmiZ: rng.normal(0, 1, -2.2, 3), sbpOffset: rng.normal(0, 7), smoking,
  };
}
