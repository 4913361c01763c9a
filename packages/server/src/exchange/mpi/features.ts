/**
 * What the matcher compares, pulled out of a Patient once and normalised: names, birth date,
 * sex, addresses, phones, emails and identifiers. Cached per Patient object, so scoring one query
 * against many candidates (or all pairs of a block) normalises each record once.
 */
import type { Patient } from '@medplum/fhirtypes';
import { MRN_SYSTEM } from '../../store/mrn.ts';
import { normalizeEmail, normalizeLine, normalizeName, normalizePhone, normalizePostal, soundex } from './strings.ts';

export interface NamePart {
  norm: string;
  soundex: string;
}

export interface Features {
  family: NamePart[];
  /** First given names (one per HumanName). */
  given: NamePart[];
  /** YYYY-MM-DD, only when the date is complete. */
  birthDate?: string;
  /** Only male / female: other and unknown say nothing. */
  sex?: 'male' | 'female';
  addresses: { line: string; postal: string }[];
  phones: string[];
  emails: string[];
  /** `system|value`; `local` when the system numbers records (an MRN), not people. */
  identifiers: { system: string; value: string; local: boolean }[];
}

const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';
const cache = new WeakMap<Patient, Features>();

const part = (s: string | undefined): NamePart | undefined => {
  const norm = normalizeName(s);
  return norm ? { norm, soundex: soundex(norm) } : undefined;
};

export function features(p: Patient): Features {
  const hit = cache.get(p);
  if (hit) return hit;
  const names = (p.name ?? []).filter((n) => n.use !== 'old');
  const family: NamePart[] = [];
  const given: NamePart[] = [];
  for (const n of names) {
    // A double family name ("Garcia Lopez") is compared whole and by each of its words.
    const words = (n.family ?? '').split(/[\s-]+/).filter(Boolean);
    for (const f of [n.family, ...(words.length > 1 ? words : [])]) {
      const fp = part(f);
      if (fp && !family.some((x) => x.norm === fp.norm)) family.push(fp);
    }
    // The first given name only: middle names are too often a sibling's first name.
    const gp = part((n.given ?? []).flatMap((g) => g.split(/\s+/))[0]);
    if (gp && !given.some((x) => x.norm === gp.norm)) given.push(gp);
  }
  const birthDate = typeof p.birthDate === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(p.birthDate) ? p.birthDate : undefined;
  const sex = p.gender === 'male' || p.gender === 'female' ? p.gender : undefined;
  const addresses = (p.address ?? [])
    .filter((a) => a.use !== 'old')
    .map((a) => ({ line: normalizeLine((a.line ?? []).join(' ')), postal: normalizePostal(a.postalCode) }))
    .filter((a) => a.line !== '' || a.postal !== '');
  const phones: string[] = [];
  const emails: string[] = [];
  for (const t of p.telecom ?? []) {
    if (t.system === 'phone' || t.system === 'sms') {
      const v = normalizePhone(t.value);
      if (v.length >= 7) phones.push(v);
    } else if (t.system === 'email') {
      const v = normalizeEmail(t.value);
      if (v.includes('@')) emails.push(v);
    }
  }
  const identifiers = (p.identifier ?? [])
    .filter((i) => i.system && i.value)
    .map((i) => ({
      system: i.system!,
      value: i.value!.trim().toUpperCase(),
      local: i.system === MRN_SYSTEM || (i.type?.coding ?? []).some((c) => c.system === V2_0203 && c.code === 'MR'),
    }));
  const f: Features = {
    family,
    given,
    ...(birthDate ? { birthDate } : {}),
    ...(sex ? { sex } : {}),
    addresses,
    phones,
    emails,
    identifiers,
  };
  cache.set(p, f);
  return f;
}
