/**
 * The population's shared directory as a plain model: clinics, a hospital, a lab, a pharmacy,
 * payers, their locations and their staff, with deterministic ids and NPIs derived from the seed.
 * Patient generation reads this model to pick primary care providers and encounter settings;
 * `directory-resources.ts` turns it into FHIR. It does no FHIR formatting itself.
 */
import type { HumanName } from '@medplum/fhirtypes';
import { IdFactory, seedText } from './ids.ts';
import { NAMES } from './names.ts';
import type { NameGroup } from './names.ts';
import { makeNpi } from './npi.ts';
import { TOWNS } from './places.ts';
import type { Town } from './places.ts';
import { Rng } from './prng.ts';

export type OrgKind = 'clinic' | 'hospital' | 'lab' | 'pharmacy' | 'payer';
export type PayerKind = 'commercial' | 'medicare' | 'medicaid';

export interface Org {
  id: string;
  kind: OrgKind;
  name: string;
  town: Town;
  npi?: string;
  payer?: PayerKind;
  /** Location ids run by this organization (clinics one, the hospital ED and a ward). */
  locations: { id: string; name: string; role: 'clinic' | 'ed' | 'ward' | 'lab' | 'pharmacy'; pediatric?: boolean }[];
}

export type StaffKind = 'family' | 'internist' | 'pediatrician' | 'np' | 'ed' | 'hospitalist' | 'nurse' | 'front-desk' | 'biller' | 'admin';

export interface Staff {
  id: string;
  roleId: string;
  kind: StaffKind;
  org: Org;
  name: HumanName;
  display: string;
  gender: 'male' | 'female';
  npi?: string;
}

export interface Directory {
  seed: string;
  orgs: Org[];
  clinics: Org[];
  hospital: Org;
  lab: Org;
  pharmacy: Org;
  payers: Org[];
  staff: Staff[];
}

const CREDENTIAL: Record<StaffKind, string | undefined> = {
  family: 'MD', internist: 'MD', pediatrician: 'MD', np: 'NP', ed: 'DO', hospitalist: 'MD',
  nurse: 'RN', 'front-desk': undefined, biller: undefined, admin: undefined,
};

export function credential(kind: StaffKind): string | undefined {
  return CREDENTIAL[kind];
}

export function isClinician(kind: StaffKind): boolean {
  return kind !== 'front-desk' && kind !== 'biller' && kind !== 'admin';
}

export function isPrescriber(kind: StaffKind): boolean {
  return isClinician(kind) && kind !== 'nurse';
}

const GROUPS: readonly (readonly [NameGroup, number])[] = [
  ['anglo', 50], ['hispanic', 14], ['african-american', 10], ['east-asian', 8], ['south-asian', 8],
  ['vietnamese', 3], ['filipino', 3], ['arabic', 2], ['slavic', 2],
];

function town(name: string): Town {
  return TOWNS.find((t) => t.city === name) ?? (TOWNS[0] as Town);
}

export function buildDirectory(seed: string | number): Directory {
  const text = seedText(seed);
  const rng = new Rng(`${text}|directory`);
  const ids = new IdFactory(`${text}|directory`);
  const org = (kind: OrgKind, name: string, city: string, extra: Partial<Org> = {}): Org => ({
    id: ids.next('Organization'), kind, name, town: town(city), locations: [],
    ...(kind === 'payer' ? {} : { npi: makeNpi(rng, 2) }), ...extra,
  });
  const loc = (o: Org, name: string, role: Org['locations'][number]['role'], pediatric = false): void => {
    o.locations.push({ id: ids.next('Location'), name, role, ...(pediatric ? { pediatric } : {}) });
  };
  const clinics = [
    org('clinic', 'Cedar Hollow Family Medicine', 'Cedar Hollow'),
    org('clinic', 'Riverbend Primary Care', 'Riverbend'),
    org('clinic', 'Fernwood Family & Pediatric Health', 'Fernwood'),
  ];
  clinics.forEach((c, i) => loc(c, `${c.name} Clinic`, 'clinic', i === 2));
  const hospital = org('hospital', 'Alder Valley Regional Medical Center', 'Stonebridge');
  loc(hospital, 'Alder Valley Emergency Department', 'ed');
  loc(hospital, 'Alder Valley Medical-Surgical Unit', 'ward');
  const lab = org('lab', 'Cascade Clinical Laboratory', 'Marlow Springs');
  loc(lab, 'Cascade Clinical Laboratory Patient Service Center', 'lab');
  const pharmacy = org('pharmacy', 'Stonebridge Community Pharmacy', 'Stonebridge');
  loc(pharmacy, 'Stonebridge Community Pharmacy', 'pharmacy');
  const payers = [
    org('payer', 'Evergreen Health Plan', 'Lakeview Heights', { payer: 'commercial' }),
    org('payer', 'Summit Mutual Health Insurance', 'North Alder', { payer: 'commercial' }),
    org('payer', 'Medicare', 'Lakeview Heights', { payer: 'medicare' }),
    org('payer', 'State Medicaid Program', 'North Alder', { payer: 'medicaid' }),
  ];
  const staff: Staff[] = [];
  const hire = (kind: StaffKind, o: Org): void => {
    const gender = rng.chance(0.5) ? 'female' : 'male';
    const names = NAMES[rng.weighted(GROUPS)];
    const given = rng.pick(gender === 'female' ? names.female : names.male);
    const family = rng.pick(names.family);
    const cred = CREDENTIAL[kind];
    const isDoctor = cred === 'MD' || cred === 'DO';
    const name: HumanName = { use: 'official', family, given: [given], ...(isDoctor ? { prefix: ['Dr.'] } : {}), ...(cred ? { suffix: [cred] } : {}) };
    const display = `${isDoctor ? 'Dr. ' : ''}${given} ${family}${cred ? `, ${cred}` : ''}`;
    const id = ids.next('Practitioner');
    staff.push({ id, roleId: ids.next('PractitionerRole'), kind, org: o, name, display, gender, ...(isClinician(kind) ? { npi: makeNpi(rng, 1) } : {}) });
  };
  const plan: [Org, StaffKind[]][] = [
    [clinics[0] as Org, ['family', 'family', 'internist', 'np', 'nurse', 'nurse', 'front-desk', 'biller', 'admin']],
    [clinics[1] as Org, ['internist', 'family', 'internist', 'np', 'nurse', 'nurse', 'front-desk']],
    [clinics[2] as Org, ['pediatrician', 'pediatrician', 'family', 'np', 'nurse', 'nurse', 'front-desk']],
    [hospital, ['ed', 'ed', 'ed', 'hospitalist', 'hospitalist', 'nurse', 'nurse']],
  ];
  for (const [o, kinds] of plan) for (const kind of kinds) hire(kind, o);
  return { seed: text, orgs: [...clinics, hospital, lab, pharmacy, ...payers], clinics, hospital, lab, pharmacy, payers, staff };
}

export function staffOf(dir: Directory, org: Org, kinds: readonly StaffKind[]): Staff[] {
  return dir.staff.filter((s) => s.org === org && kinds.includes(s.kind));
}
