/**
 * Who the person being registered might already be: the Patient searches that find likely
 * matches (same last name and birth date, same phone, same email) and the one that finds a
 * patient already holding the MRN, and how their answers merge into one list with the reasons
 * each patient matched. The searches run through the FHIR API like any other; this module only
 * builds them and reads their answers.
 */
import type { Patient } from '@medplum/fhirtypes';
import { patientQuery } from '../patient-query.ts';
import { normalPhone, type RegistrationForm } from './registration-form.ts';

export type MatchReason = 'name and birth date' | 'phone' | 'email' | 'MRN';

export interface DuplicateSearch {
  reason: MatchReason;
  params: [string, string][];
}

export interface LikelyMatch {
  patient: Patient;
  reasons: MatchReason[];
}

const PAGE: [string, string][] = [['_count', '10']];

/** The searches for a (valid) form; each finds patients sharing one thing with it. */
export function duplicateSearches(form: RegistrationForm): DuplicateSearch[] {
  const searches: DuplicateSearch[] = [];
  const family = form.family.trim();
  if (family && form.birthDate) searches.push({ reason: 'name and birth date', params: [['family:exact', family], ['birthdate', form.birthDate], ...PAGE] });
  const phone = normalPhone(form.phone);
  // The search box's phone query knows the spellings a stored number may have.
  const phoneQuery = phone ? patientQuery(phone)?.find(([k]) => k === 'phone') : undefined;
  if (phoneQuery) searches.push({ reason: 'phone', params: [phoneQuery, ...PAGE] });
  const email = form.email.trim();
  if (email) searches.push({ reason: 'email', params: [['email', email], ...PAGE] });
  const mrn = form.mrn.trim();
  if (mrn) searches.push({ reason: 'MRN', params: [['identifier', mrn], ...PAGE] });
  return searches;
}

/** One entry per patient, with every reason it matched, in the order the searches were made. */
export function mergeMatches(answers: { reason: MatchReason; patients: Patient[] }[]): LikelyMatch[] {
  const byId = new Map<string, LikelyMatch>();
  for (const { reason, patients } of answers) {
    for (const patient of patients) {
      const key = patient.id ?? '';
      const seen = byId.get(key);
      if (seen) {
        if (!seen.reasons.includes(reason)) seen.reasons.push(reason);
      } else byId.set(key, { patient, reasons: [reason] });
    }
  }
  return [...byId.values()];
}

/** A patient already holding the MRN: registering another with it is not allowed. */
export function mrnTaken(matches: LikelyMatch[]): boolean {
  return matches.some((m) => m.reasons.includes('MRN'));
}
