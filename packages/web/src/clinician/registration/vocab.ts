/**
 * The coded answers the registration form offers, with the systems US Core expects: OMB race and
 * ethnicity categories (CDC Race & Ethnicity, urn:oid:2.16.840.1.113883.6.238), SNOMED CT gender
 * identity, BCP-47 languages, and the v3 NullFlavor codes for "asked but declined" and "unknown".
 * Labels are what staff read; codes are what the server stores.
 */
export const US_CORE = 'http://hl7.org/fhir/us/core/StructureDefinition';
export const OMB = 'urn:oid:2.16.840.1.113883.6.238';
export const NULL_FLAVOR = 'http://terminology.hl7.org/CodeSystem/v3-NullFlavor';
export const SNOMED = 'http://snomed.info/sct';
export const BCP47 = 'urn:ietf:bcp:47';
/**
 * The clinic's MRN namespace. Staff enter the number the clinic's numbering gives out; the
 * server checks nothing about it, so the form checks its shape and that no patient has it yet.
 */
export const CLINIC_MRN_SYSTEM = 'urn:continuum:mrn';

export interface Choice {
  code: string;
  label: string;
  system: string;
}

const omb = (code: string, label: string): Choice => ({ code, label, system: OMB });
const nullFlavor = (code: string, label: string): Choice => ({ code, label, system: NULL_FLAVOR });

export const RACES: readonly Choice[] = [
  omb('1002-5', 'American Indian or Alaska Native'),
  omb('2028-9', 'Asian'),
  omb('2054-5', 'Black or African American'),
  omb('2076-8', 'Native Hawaiian or Other Pacific Islander'),
  omb('2106-3', 'White'),
];
/** Race answers that stand alone, in place of categories. */
export const RACE_DECLINED = nullFlavor('ASKU', 'Declined to answer');

export const ETHNICITIES: readonly Choice[] = [
  omb('2135-2', 'Hispanic or Latino'),
  omb('2186-5', 'Not Hispanic or Latino'),
  nullFlavor('ASKU', 'Declined to answer'),
  nullFlavor('UNK', 'Unknown'),
];

export const GENDER_IDENTITIES: readonly Choice[] = [
  { code: '446151000124109', label: 'Identifies as male', system: SNOMED },
  { code: '446141000124107', label: 'Identifies as female', system: SNOMED },
  { code: '33791000087105', label: 'Identifies as nonbinary', system: SNOMED },
  nullFlavor('OTH', 'Other'),
  nullFlavor('ASKU', 'Declined to answer'),
  nullFlavor('UNK', 'Unknown'),
];

export const LANGUAGES: readonly Choice[] = [
  ['en', 'English'], ['es', 'Spanish'], ['zh', 'Chinese'], ['vi', 'Vietnamese'], ['tl', 'Tagalog'], ['ko', 'Korean'],
  ['ar', 'Arabic'], ['ru', 'Russian'], ['fr', 'French'], ['ht', 'Haitian Creole'], ['pt', 'Portuguese'], ['hi', 'Hindi'],
  ['ja', 'Japanese'], ['de', 'German'], ['ase', 'American Sign Language'],
].map(([code, label]) => ({ code: code!, label: label!, system: BCP47 }));

export const ADMINISTRATIVE_SEXES = [
  { value: 'female', label: 'Female' },
  { value: 'male', label: 'Male' },
  { value: 'other', label: 'Other' },
  { value: 'unknown', label: 'Unknown' },
] as const;

export function choice(list: readonly Choice[], code: string): Choice | undefined {
  return list.find((c) => c.code === code);
}
