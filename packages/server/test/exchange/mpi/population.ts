/**
 * A seeded population for measuring the matcher: true persons, corrupted duplicate records of
 * them with the errors registration desks make, and hard non-matches (twins, namesakes, family
 * members sharing a household). Every record carries the person it stands for in `person`, so
 * the truth of any pair is known. Synthetic names only.
 */
import type { Patient } from '@medplum/fhirtypes';
import { Rng as SeededRng } from '../../../../../bench/synthetic.ts';

/** The benchmarks' seeded generator, with a skew towards common values. */
export class Rng extends SeededRng {
  /** Zipf-like: early entries far more often (common names). */
  skewed<T>(xs: readonly T[]): T {
    return xs[Math.floor(Math.pow(this.next(), 2.2) * xs.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

const MALE = ['James', 'John', 'Robert', 'Michael', 'William', 'David', 'Richard', 'Joseph', 'Thomas', 'Charles', 'Christopher', 'Daniel', 'Matthew', 'Anthony', 'Mark', 'Steven', 'Andrew', 'Joshua', 'Kenneth', 'Kevin', 'Brian', 'Timothy', 'Ronald', 'Edward', 'Jason', 'Ryan', 'Jacob', 'Gary', 'Nicholas', 'Eric', 'José', 'Mateo', 'Farid', 'Hiro', 'Kofi', 'Jonas', 'Omar', 'Luca', 'Sven', 'Raj'];
const FEMALE = ['Mary', 'Patricia', 'Jennifer', 'Linda', 'Elizabeth', 'Barbara', 'Susan', 'Jessica', 'Sarah', 'Karen', 'Margaret', 'Nancy', 'Lisa', 'Betty', 'Sandra', 'Ashley', 'Kimberly', 'Emily', 'Donna', 'Michelle', 'Deborah', 'Rebecca', 'Victoria', 'Catherine', 'Chloé', 'Inès', 'Priya', 'Lena', 'Nora', 'Aiko', 'Zoë', 'Amara', 'Freya', 'Ingrid', 'Samantha', 'Christine', 'Abigail', 'Dorothy', 'Judith', 'Pamela'];
const FAMILY = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'García', 'Miller', 'Davis', 'Rodríguez', 'Martínez', 'Hernández', 'López', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Thompson', 'White', 'Harris', 'Clark', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Nguyen', 'Müller', 'Okafor', 'Rossi', 'Kowalski', 'Haddad', 'Silva', 'Tanaka', 'Johansson', 'Dubois', 'O\'Brien', 'McCarthy', 'Schneider', 'Novak', 'Petrov', 'Achebe', 'Kim', 'Park', 'Cohen', 'Fischer', 'Larsen', 'Moreau', 'Sato', 'Gupta', 'Patel', 'Singh', 'Mensah', 'Haas', 'Brennan', 'Fitzgerald'];
const STREETS = ['Main Street', 'Oak Avenue', 'Maple Road', 'Cedar Lane', 'Elm Street', 'Pine Court', 'Washington Boulevard', 'Lake Drive', 'Hill Road', 'Park Place', 'River Road', 'Church Street', 'Mill Lane', 'Sunset Drive', 'Highland Avenue'];
const ABBREV: Record<string, string> = { Street: 'St', Avenue: 'Ave', Road: 'Rd', Lane: 'Ln', Court: 'Ct', Boulevard: 'Blvd', Drive: 'Dr', Place: 'Pl' };
const NICK: Record<string, string[]> = {
  William: ['Bill', 'Will', 'Billy'], Robert: ['Bob', 'Rob', 'Bobby'], James: ['Jim', 'Jimmy'], John: ['Jack', 'Johnny'], Michael: ['Mike'], Richard: ['Rick', 'Dick'],
  Joseph: ['Joe'], Thomas: ['Tom', 'Tommy'], Charles: ['Charlie', 'Chuck'], Christopher: ['Chris'], Daniel: ['Dan', 'Danny'], Matthew: ['Matt'], Anthony: ['Tony'],
  Steven: ['Steve'], Andrew: ['Andy', 'Drew'], Joshua: ['Josh'], Kenneth: ['Ken'], Timothy: ['Tim'], Ronald: ['Ron'], Edward: ['Ed', 'Ted'], Jacob: ['Jake'], Nicholas: ['Nick'],
  Patricia: ['Pat', 'Patty', 'Trish'], Jennifer: ['Jen', 'Jenny'], Elizabeth: ['Liz', 'Beth', 'Betty'], Barbara: ['Barb'], Susan: ['Sue', 'Susie'], Jessica: ['Jess'],
  Margaret: ['Maggie', 'Peggy', 'Meg'], Sandra: ['Sandy'], Deborah: ['Debbie', 'Deb'], Rebecca: ['Becky'], Victoria: ['Vicky'], Catherine: ['Cathy', 'Kate'],
  Samantha: ['Sam'], Christine: ['Chris', 'Tina'], Abigail: ['Abby'], Dorothy: ['Dot'], Judith: ['Judy'], Pamela: ['Pam'],
};
const SSN = 'http://hl7.org/fhir/sid/us-ssn';

export interface Person {
  id: number;
  given: string;
  middle?: string;
  family: string;
  birthDate: string;
  sex: 'male' | 'female';
  line: string;
  postal: string;
  city: string;
  phone: string;
  email?: string;
  ssn?: string;
}

export interface LabelledRecord {
  person: number;
  /** 'original' | 'duplicate': a duplicate is a second record of an original's person. */
  kind: 'original' | 'duplicate';
  patient: Patient;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const digits = (rng: Rng, n: number): string => Array.from({ length: n }, () => rng.int(0, 9)).join('');

function birthDate(rng: Rng): string {
  return `${rng.int(1930, 2020)}-${pad(rng.int(1, 12))}-${pad(rng.int(1, 28))}`;
}

function address(rng: Rng): { line: string; postal: string; city: string } {
  return { line: `${rng.int(1, 9999)} ${rng.pick(STREETS)}`, postal: `${rng.int(10, 99)}${digits(rng, 3)}`, city: rng.pick(['Springfield', 'Riverside', 'Fairview', 'Franklin', 'Greenville']) };
}

function givenFor(rng: Rng, sex: 'male' | 'female'): string {
  return rng.skewed(sex === 'male' ? MALE : FEMALE);
}

function newPerson(rng: Rng, id: number): Person {
  const sex = rng.chance(0.5) ? 'male' : 'female';
  const given = givenFor(rng, sex);
  const family = rng.skewed(FAMILY);
  const p: Person = { id, given, family, birthDate: birthDate(rng), sex, ...address(rng), phone: `${rng.int(200, 989)}${digits(rng, 7)}` };
  if (rng.chance(0.3)) p.middle = givenFor(rng, sex);
  if (rng.chance(0.5)) p.email = `${given.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '')}.${family.toLowerCase().normalize('NFD').replace(/[^a-z]/g, '')}${rng.int(1, 999)}@example.org`;
  if (rng.chance(0.3)) p.ssn = `${digits(rng, 3)}-${digits(rng, 2)}-${digits(rng, 4)}`;
  return p;
}

function toPatient(p: Person): Patient {
  return {
    resourceType: 'Patient',
    name: [{ family: p.family, given: p.middle ? [p.given, p.middle] : [p.given] }],
    birthDate: p.birthDate,
    gender: p.sex,
    address: [{ line: [p.line], city: p.city, postalCode: p.postal }],
    telecom: [{ system: 'phone', value: `(${p.phone.slice(0, 3)}) ${p.phone.slice(3, 6)}-${p.phone.slice(6)}` }, ...(p.email ? [{ system: 'email' as const, value: p.email }] : [])],
    ...(p.ssn ? { identifier: [{ system: SSN, value: p.ssn }] } : {}),
  };
}

/** One keyboard slip: a substitution, a deletion, a doubled letter or two letters swapped. */
export function typo(rng: Rng, s: string): string {
  if (s.length < 3) return s;
  const i = rng.int(1, s.length - 2);
  switch (rng.int(0, 3)) {
    case 0:
      return s.slice(0, i) + rng.pick([...'aeioulnrst']) + s.slice(i + 1);
    case 1:
      return s.slice(0, i) + s.slice(i + 1);
    case 2:
      return s.slice(0, i) + s[i] + s.slice(i);
    default:
      return s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
  }
}

function corruptDate(rng: Rng, d: string): string | undefined {
  const [y, m, day] = d.split('-') as [string, string, string];
  const r = rng.next();
  if (r < 0.04) return undefined;
  if (r < 0.07 && Number(day) <= 12 && day !== m) return `${y}-${day}-${m}`;
  if (r < 0.09) return `${y.slice(0, 2)}${y[3]}${y[2]}-${m}-${day}`;
  if (r < 0.1) return `${y}-${m}-${day[1]}${day[0]}`;
  if (r < 0.11) return `${Number(y) + (rng.chance(0.5) ? 1 : -1)}-${m}-${day}`;
  return d;
}

function validDate(d: string | undefined): string | undefined {
  if (!d) return undefined;
  return !Number.isNaN(Date.parse(d)) && new Date(d).toISOString().slice(0, 10) === d ? d : undefined;
}

/** A second record of `p`, as another desk, years later, might have typed it. */
export function duplicateOf(rng: Rng, p: Person): Patient {
  let given = p.given;
  const r = rng.next();
  if (r < 0.12 && NICK[given]) given = rng.pick(NICK[given]!);
  else if (r < 0.18) given = typo(rng, given);
  else if (r < 0.2) given = given.normalize('NFD').replace(/\p{M}/gu, '').toUpperCase();
  let family = p.family;
  const f = rng.next();
  if (f < 0.06) family = typo(rng, family);
  else if (f < 0.1) family = family.normalize('NFD').replace(/\p{M}/gu, '');
  else if (f < 0.12) family = family.toUpperCase();
  const bd = validDate(corruptDate(rng, p.birthDate)) ?? (rng.chance(0.5) ? undefined : p.birthDate);
  const sex = rng.chance(0.04) ? undefined : rng.chance(0.01) ? (p.sex === 'male' ? 'female' : 'male') : p.sex;
  let addr: { line: string; postal: string; city: string } | undefined = { line: p.line, postal: p.postal, city: p.city };
  const a = rng.next();
  if (a < 0.2) addr = address(rng);
  else if (a < 0.3) addr = undefined;
  else if (a < 0.4) addr = { ...addr, line: addr.line.replace(/(\w+)$/, (w) => ABBREV[w] ?? w) };
  const phone = rng.chance(0.15) ? `${rng.int(200, 989)}${digits(rng, 7)}` : rng.chance(0.15) ? undefined : p.phone;
  const email = p.email && rng.chance(0.5) ? (rng.chance(0.1) ? `${typo(rng, p.email.split('@')[0]!)}@example.net` : p.email) : undefined;
  const ssn = p.ssn && rng.chance(0.5) ? p.ssn : undefined;
  const patient: Patient = {
    resourceType: 'Patient',
    name: [{ family, given: p.middle && rng.chance(0.5) ? [given, p.middle] : [given] }],
    ...(bd ? { birthDate: bd } : {}),
    ...(sex ? { gender: sex } : {}),
    ...(addr ? { address: [{ line: [addr.line], city: addr.city, postalCode: addr.postal }] } : {}),
    telecom: [...(phone ? [{ system: 'phone' as const, value: rng.chance(0.5) ? phone : `+1 ${phone.slice(0, 3)}-${phone.slice(3, 6)}-${phone.slice(6)}` }] : []), ...(email ? [{ system: 'email' as const, value: email }] : [])],
    ...(ssn ? { identifier: [{ system: SSN, value: ssn }] } : {}),
  };
  return patient;
}

/**
 * `persons` people (about 4% with a twin, 6% with a namesake born the same year, 10% with a
 * relative in the same household) and, for each original person, one duplicate record.
 */
export function population(seed: number, persons: number): LabelledRecord[] {
  const rng = new Rng(seed);
  const people: Person[] = [];
  const originals: Person[] = [];
  while (originals.length < persons) {
    const p = newPerson(rng, people.length);
    people.push(p);
    originals.push(p);
    const r = rng.next();
    if (r < 0.04) {
      // A twin: same household, birth date and family; another given name, maybe another sex.
      const sex = rng.chance(0.5) ? p.sex : p.sex === 'male' ? 'female' : 'male';
      let given = givenFor(rng, sex);
      while (given === p.given) given = givenFor(rng, sex);
      const t: Person = { ...newPerson(rng, people.length), given, sex, family: p.family, birthDate: p.birthDate, line: p.line, postal: p.postal, city: p.city, phone: p.phone };
      people.push(t);
    } else if (r < 0.1) {
      // A namesake: same name, same birth year, elsewhere.
      const n: Person = { ...newPerson(rng, people.length), given: p.given, family: p.family, sex: p.sex, birthDate: `${p.birthDate.slice(0, 4)}-${pad(rng.int(1, 12))}-${pad(rng.int(1, 28))}` };
      people.push(n);
    } else if (r < 0.2) {
      // A relative at the same address and phone.
      const rel: Person = { ...newPerson(rng, people.length), family: p.family, line: p.line, postal: p.postal, city: p.city, phone: p.phone };
      people.push(rel);
    }
  }
  const records: LabelledRecord[] = people.map((p) => ({ person: p.id, kind: 'original', patient: toPatient(p) }));
  for (const p of originals) records.push({ person: p.id, kind: 'duplicate', patient: duplicateOf(rng, p) });
  return records;
}
