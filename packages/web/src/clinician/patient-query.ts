/**
 * Turns what a user types in the patient search box into FHIR Patient search parameters: a
 * birth date (YYYY-MM-DD or MM/DD/YYYY), a phone number (seven digits or more), an MRN (letters
 * and digits with a digit), or else name parts, each matched as a prefix of any name part.
 */
export type PatientQuery = [string, string][];

const PAGE: PatientQuery = [['_count', '20'], ['_sort', 'family,given']];

export function patientQuery(input: string): PatientQuery | undefined {
  const text = input.trim().replace(/\s+/g, ' ');
  if (text.length < 2) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return [['birthdate', text], ...PAGE];
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  if (us) return [['birthdate', `${us[3]}-${us[1]!.padStart(2, '0')}-${us[2]!.padStart(2, '0')}`], ...PAGE];
  const digits = text.replace(/\D/g, '');
  if (/^[\d\s().+-]+$/.test(text) && digits.length >= 7) {
    const variants = new Set([text]);
    const ten = digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
    if (ten.length === 10) {
      variants.add(`(${ten.slice(0, 3)}) ${ten.slice(3, 6)}-${ten.slice(6)}`);
      variants.add(`${ten.slice(0, 3)}-${ten.slice(3, 6)}-${ten.slice(6)}`);
      variants.add(ten);
    }
    return [['phone', [...variants].map((v) => v.replace(/,/g, '\\,')).join(',')], ...PAGE];
  }
  if (/\d/.test(text) && /^[A-Za-z0-9-]+$/.test(text)) return [['identifier', text], ...PAGE];
  return [...text.split(' ').map((part): [string, string] => ['name', part]), ...PAGE];
}
