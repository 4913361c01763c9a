/**
 * The US Core Patient: MRN identifier (type MR), official name, telecom (fictional 555-01XX
 * numbers and example.com-style emails), gender and birth date, address, marital status,
 * preferred language, primary care provider, and the US Core race, ethnicity and birth-sex
 * extensions with OMB category codes.
 */
import type { Extension, Patient } from '@medplum/fhirtypes';
import { ref } from './bundle.ts';
import type { PatientContext } from './context.ts';
import type { Race } from './person.ts';
import { address, phone } from './places.ts';
import { isoDate } from './time.ts';

export const MRN_SYSTEM = 'urn:continuum:synth:mrn';
const US_CORE = 'http://hl7.org/fhir/us/core/StructureDefinition';
const OMB = 'urn:oid:2.16.840.1.113883.6.238';

const RACE: Record<Exclude<Race, 'multi' | 'unknown'>, [string, string]> = {
  white: ['2106-3', 'White'], black: ['2054-5', 'Black or African American'], asian: ['2028-9', 'Asian'],
  aian: ['1002-5', 'American Indian or Alaska Native'], nhpi: ['2076-8', 'Native Hawaiian or Other Pacific Islander'],
};

const LANGUAGES: Record<string, string> = {
  en: 'English', es: 'Spanish', zh: 'Chinese', ko: 'Korean', ja: 'Japanese', vi: 'Vietnamese', tl: 'Tagalog', hi: 'Hindi', ar: 'Arabic', ru: 'Russian',
};

function raceExtension(race: Race, ctx: PatientContext): Extension {
  const parts: Extension[] = [];
  let text: string;
  if (race === 'unknown') {
    parts.push({ url: 'ombCategory', valueCoding: { system: 'http://terminology.hl7.org/CodeSystem/v3-NullFlavor', code: 'UNK', display: 'Unknown' } });
    text = 'Unknown';
  } else if (race === 'multi') {
    const second = ctx.rng.pick(['black', 'asian', 'aian'] as const);
    for (const r of ['white', second] as const) parts.push({ url: 'ombCategory', valueCoding: { system: OMB, code: RACE[r][0], display: RACE[r][1] } });
    text = 'Two or more races';
  } else {
    parts.push({ url: 'ombCategory', valueCoding: { system: OMB, code: RACE[race][0], display: RACE[race][1] } });
    text = RACE[race][1];
  }
  return { url: `${US_CORE}/us-core-race`, extension: [...parts, { url: 'text', valueString: text }] };
}

function ethnicityExtension(hispanic: boolean): Extension {
  const [code, display] = hispanic ? ['2135-2', 'Hispanic or Latino'] : ['2186-5', 'Not Hispanic or Latino'];
  return { url: `${US_CORE}/us-core-ethnicity`, extension: [{ url: 'ombCategory', valueCoding: { system: OMB, code, display } }, { url: 'text', valueString: display }] };
}

function ascii(s: string): string {
  return s.toLowerCase().replace(/[^a-z]/g, '');
}

export function mrn(seedText: string, index: number): string {
  let h = 0;
  for (let i = 0; i < seedText.length; i++) h = (Math.imul(h, 31) + seedText.charCodeAt(i)) >>> 0;
  return `S${String(h % 1000).padStart(3, '0')}-${String(index + 1).padStart(7, '0')}`;
}

export function buildPatient(ctx: PatientContext): Patient {
  const { person: p, rng } = ctx;
  const adult = p.age >= 18;
  const telecom: Patient['telecom'] = [phone(rng, p.town, 'home')];
  if (adult || p.age >= 14) telecom.push(phone(rng, p.town, 'mobile'));
  if (adult && rng.chance(0.85)) {
    telecom.push({ system: 'email', value: `${ascii(p.given[0] ?? 'p')}.${ascii(p.family)}${rng.int(1, 99)}@${rng.pick(['example.com', 'example.org', 'example.net'])}`, use: 'home' });
  }
  const marital = !adult ? ['U', 'unmarried'] : rng.weighted([[['M', 'Married'], 50], [['S', 'Never Married'], 30], [['D', 'Divorced'], 11], [['W', 'Widowed'], p.age > 65 ? 20 : 2]] as const);
  const patient: Patient = {
    resourceType: 'Patient', id: ctx.patientId,
    extension: [raceExtension(p.race, ctx), ethnicityExtension(p.hispanic), { url: `${US_CORE}/us-core-birthsex`, valueCode: p.sex === 'female' ? 'F' : 'M' }],
    identifier: [{
      use: 'usual', type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR', display: 'Medical record number' }], text: 'MRN' },
      system: MRN_SYSTEM, value: mrn(ctx.dir.seed, ctx.index), assigner: ref('Organization', p.clinic.id, p.clinic.name),
    }],
    active: true,
    name: [{ use: 'official', family: p.family, given: p.given }],
    telecom, gender: p.sex, birthDate: isoDate(p.birth), address: [address(rng, p.town)],
    maritalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', code: marital[0], display: marital[1] }] },
    communication: [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: p.language, display: LANGUAGES[p.language] ?? p.language }], text: LANGUAGES[p.language] ?? p.language }, preferred: true }],
    generalPractitioner: [ref('Practitioner', p.pcp.id, p.pcp.display)],
    managingOrganization: ref('Organization', p.clinic.id, p.clinic.name),
  };
  if (!adult) {
    patient.contact = [{
      relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0131', code: 'N', display: 'Next-of-Kin' }], text: 'Parent' }],
      name: { family: p.family, given: [rng.pick(['Alex', 'Jordan', 'Taylor', 'Morgan', 'Casey', 'Jamie'])] },
      telecom: [phone(rng, p.town, 'mobile')],
    }];
  }
  return patient;
}
