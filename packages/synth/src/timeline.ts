/**
 * Plans a person's visits over the history window (up to HISTORY_YEARS before now, or since
 * birth): well visits on the AAP Bright Futures schedule for children and yearly-with-gaps for
 * adults, chronic-care follow-ups every four to eight months, acute clinic visits as a Poisson
 * process whose rate depends on age, and occasional emergency visits and admissions, more often
 * for people with asthma, COPD or heart failure. It returns plain visit records, sorted by time.
 */
import { ACUTE, acuteOptions } from './acute.ts';
import type { Acute } from './acute.ts';
import type { ChronicKey, Profile } from './conditions.ts';
import type { Directory, Org, Staff } from './directory.ts';
import { staffOf } from './directory.ts';
import type { Person } from './person.ts';
import type { Rng } from './prng.ts';
import { DAY, HOUR, MINUTE, YEAR, weekday } from './time.ts';

export const HISTORY_YEARS = 6;

export type VisitKind = 'well' | 'followup' | 'acute' | 'ed' | 'inpatient';

export interface Visit {
  kind: VisitKind;
  start: number;
  end: number;
  age: number;
  provider: Staff;
  org: Org;
  location: Org['locations'][number];
  acute?: Acute;
  /** Chronic conditions addressed (follow-ups) or the one that caused an ED visit or admission. */
  chronic: ChronicKey[];
  /** True for the visit at which a chronic condition was first diagnosed. */
  diagnoses: ChronicKey[];
}

/** Bright Futures well-child visit ages, in months. */
const WELL_CHILD_MONTHS = [0.15, 1, 2, 4, 6, 9, 12, 15, 18, 24, 30, 36, 48, 60, 72, 84, 96, 108, 120, 132, 144, 156, 168, 180, 192, 204];
const MANAGED: readonly ChronicKey[] = ['htn', 't2dm', 'copd', 'ckd', 'afib', 'hf', 'depression', 'asthma', 'cad', 'anxiety', 'hld'];

export function historyStart(person: Person, now: number): number {
  return Math.max(person.birth, now - HISTORY_YEARS * YEAR);
}

/** A weekday clinic time, 8am-3pm Pacific expressed in UTC. */
function clinicTime(rng: Rng, day: number): number {
  const d = weekday(Math.floor(day / DAY) * DAY);
  return d + 16 * HOUR + rng.int(0, 27) * 15 * MINUTE;
}

export function planVisits(rng: Rng, dir: Directory, person: Person, profile: Profile, now: number): Visit[] {
  const from = historyStart(person, now);
  const visits: Visit[] = [];
  const clinicLoc = person.clinic.locations[0] as Org['locations'][number];
  const clinicians = staffOf(dir, person.clinic, ['family', 'internist', 'pediatrician', 'np']);
  const add = (kind: VisitKind, at: number, extra: Partial<Visit> = {}): void => {
    if (at < from || at >= now - HOUR) return;
    const age = (at - person.birth) / YEAR;
    let provider = rng.chance(0.85) ? person.pcp : rng.pick(clinicians);
    let org = person.clinic;
    let location = clinicLoc;
    let end = at + (kind === 'well' ? 40 : kind === 'followup' ? 25 : 20) * MINUTE;
    if (kind === 'ed' || kind === 'inpatient') {
      org = dir.hospital;
      location = org.locations[kind === 'ed' ? 0 : 1] as Org['locations'][number];
      provider = rng.pick(staffOf(dir, org, [kind === 'ed' ? 'ed' : 'hospitalist']));
      end = at + (kind === 'ed' ? rng.int(2, 6) * HOUR : rng.int(2, 6) * DAY);
      if (end >= now) return;
    }
    visits.push({ kind, start: at, end, age, provider, org, location, chronic: [], diagnoses: [], ...extra });
  };
  // Well visits.
  if (person.age < 18 || from - person.birth < 18 * YEAR) {
    for (const m of WELL_CHILD_MONTHS) {
      if (rng.chance(m < 24 ? 0.92 : 0.82)) add('well', clinicTime(rng, person.birth + m * (YEAR / 12) + rng.int(0, 20) * DAY));
    }
  }
  const adultFrom = Math.max(from, person.birth + 18 * YEAR);
  for (let y = adultFrom; y < now; y += YEAR) {
    const age = (y - person.birth) / YEAR;
    if (rng.chance(age >= 65 ? 0.85 : age >= 40 ? 0.72 : 0.55)) add('well', clinicTime(rng, y + rng.next() * (YEAR - 30 * DAY)));
  }
  // Chronic care: a visit at each diagnosis inside the window, then follow-ups.
  const managed = MANAGED.filter((k) => profile.has(k));
  for (const key of managed) {
    const c = profile.get(key);
    if (c && c.onset >= from) add('followup', clinicTime(rng, c.onset), { chronic: [key], diagnoses: [key] });
  }
  for (const key of ['obesity', 'smoker', 'oa', 'rhinitis'] as const) {
    const c = profile.get(key);
    if (c && c.onset >= from) add('acute', clinicTime(rng, c.onset), { chronic: [key], diagnoses: [key] });
  }
  const firstManaged = Math.min(...managed.map((k) => profile.get(k)?.onset ?? Infinity));
  if (Number.isFinite(firstManaged)) {
    const intense = managed.some((k) => k !== 'hld' && k !== 'anxiety');
    for (let t = Math.max(from, firstManaged) + rng.int(90, 200) * DAY; t < now; t += rng.int(intense ? 120 : 300, intense ? 240 : 420) * DAY) {
      const active = managed.filter((k) => (profile.get(k)?.onset ?? Infinity) <= t);
      if (active.length > 0 && rng.chance(0.8)) add('followup', clinicTime(rng, t), { chronic: active });
    }
  }
  // Acute clinic visits, emergency visits and admissions as Poisson processes.
  const acuteRate = person.age < 5 ? 2 : person.age < 18 ? 1 : person.age < 65 ? 0.5 : 0.8;
  for (let t = from + rng.exponential(YEAR / acuteRate); t < now; t += rng.exponential(YEAR / acuteRate)) {
    const options = acuteOptions((t - person.birth) / YEAR, person.sex === 'female', 'clinic');
    if (options.length > 0) add('acute', clinicTime(rng, t), { acute: rng.weighted(options) });
  }
  const lungs = profile.has('asthma') || profile.has('copd') || profile.has('hf');
  const edRate = 0.12 + (lungs ? 0.25 : 0);
  for (let t = from + rng.exponential(YEAR / edRate); t < now; t += rng.exponential(YEAR / edRate)) {
    const at = Math.floor(t / MINUTE) * MINUTE;
    const flare = (['asthma', 'copd', 'hf'] as const).filter((k) => (profile.get(k)?.onset ?? Infinity) <= at);
    if (flare.length > 0 && rng.chance(0.5)) add('ed', at, { chronic: [rng.pick(flare)] });
    else {
      const options = acuteOptions((at - person.birth) / YEAR, person.sex === 'female', 'ed');
      if (options.length > 0) add('ed', at, { acute: rng.weighted(options) });
    }
  }
  const ipRate = (person.age >= 65 ? 0.05 : 0.01) + (profile.has('hf') || profile.has('copd') ? 0.15 : 0);
  for (let t = from + rng.exponential(YEAR / ipRate); t < now; t += rng.exponential(YEAR / ipRate)) {
    const at = Math.floor(t / MINUTE) * MINUTE;
    const flare = (['hf', 'copd', 'cad'] as const).filter((k) => (profile.get(k)?.onset ?? Infinity) <= at);
    if (flare.length > 0 && rng.chance(0.6)) add('inpatient', at, { chronic: [rng.pick(flare)] });
    else add('inpatient', at, { acute: ACUTE.find((a) => a.key === 'pneumonia') as Acute });
  }
  return visits.sort((a, b) => a.start - b.start);
}
