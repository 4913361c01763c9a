/**
 * Synthetic but realistic FHIR R4 resources for the benchmarks: Patients with names,
 * identifiers, address, telecom and birth date; vital-sign Observations with a valueQuantity;
 * Conditions and Encounters; and transaction Bundles that link them with `urn:uuid` references.
 * Generation is seeded and deterministic, so runs are comparable. It is not a population
 * generator: no clinical coherence beyond plausible values.
 */
import { randomUUID } from 'node:crypto';

export type Json = Record<string, unknown>;

export class Rng {
  constructor(private state: number) {}
  next(): number {
    // mulberry32
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
}

const GIVEN = ['Ana', 'Ben', 'Chloé', 'David', 'Eva', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kofi', 'Lena', 'Mateo', 'Nora', 'Omar', 'Priya'];
const FAMILY = ['García', 'Smith', 'Nguyen', 'Müller', 'Okafor', 'Rossi', 'Kowalski', 'Haddad', 'Silva', 'Tanaka', 'Johansson', 'Dubois'];
const CITIES = [['Springfield', 'IL', '62701'], ['Portland', 'OR', '97201'], ['Austin', 'TX', '73301'], ['Boston', 'MA', '02108']] as const;
const STREETS = ['Main St', 'Oak Ave', 'Maple Rd', 'Cedar Ln', 'Elm St', 'Pine Ct'];

const VITALS = [
  { code: '8867-4', display: 'Heart rate', unit: '/min', lo: 50, hi: 120 },
  { code: '9279-1', display: 'Respiratory rate', unit: '/min', lo: 10, hi: 24 },
  { code: '8310-5', display: 'Body temperature', unit: 'Cel', lo: 36, hi: 39 },
  { code: '29463-7', display: 'Body weight', unit: 'kg', lo: 3, hi: 140 },
  { code: '8302-2', display: 'Body height', unit: 'cm', lo: 50, hi: 200 },
] as const;

const CONDITIONS = [
  ['44054006', 'Diabetes mellitus type 2'],
  ['38341003', 'Hypertensive disorder'],
  ['195967001', 'Asthma'],
  ['13645005', 'Chronic obstructive lung disease'],
  ['35489007', 'Depressive disorder'],
] as const;

function date(rng: Rng, fromYear: number, toYear: number): string {
  const y = rng.int(fromYear, toYear);
  return `${y}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
}

function instant(rng: Rng): string {
  return `${date(rng, 2019, 2024)}T${String(rng.int(0, 23)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}:00Z`;
}

export function patient(rng: Rng): Json {
  const given = rng.pick(GIVEN);
  const family = rng.pick(FAMILY);
  const [city, state, zip] = rng.pick(CITIES);
  const phone = `555-${rng.int(100, 999)}-${rng.int(1000, 9999)}`;
  return {
    resourceType: 'Patient',
    identifier: [
      { use: 'usual', type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] }, system: 'urn:oid:1.2.36.146.595.217.0.1', value: String(rng.int(100000, 999999)) },
      { system: 'http://hl7.org/fhir/sid/us-ssn', value: `${rng.int(100, 899)}-${rng.int(10, 99)}-${rng.int(1000, 9999)}` },
    ],
    active: true,
    name: [{ use: 'official', family, given: [given, rng.pick(GIVEN)] }],
    telecom: [
      { system: 'phone', value: phone, use: 'home' },
      { system: 'email', value: `${given.toLowerCase()}.${rng.int(1, 9999)}@example.org` },
    ],
    gender: rng.pick(['male', 'female', 'other', 'unknown']),
    birthDate: date(rng, 1930, 2020),
    address: [{ use: 'home', line: [`${rng.int(1, 9999)} ${rng.pick(STREETS)}`], city, state, postalCode: zip, country: 'US' }],
  };
}

export function vitalSign(rng: Rng, subject: string): Json {
  const v = rng.pick(VITALS);
  return {
    resourceType: 'Observation',
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs', display: 'Vital Signs' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: v.code, display: v.display }], text: v.display },
    subject: { reference: subject },
    effectiveDateTime: instant(rng),
    valueQuantity: { value: Math.round((v.lo + rng.next() * (v.hi - v.lo)) * 10) / 10, unit: v.unit, system: 'http://unitsofmeasure.org', code: v.unit },
  };
}

export function condition(rng: Rng, subject: string): Json {
  const [code, display] = rng.pick(CONDITIONS);
  return {
    resourceType: 'Condition',
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item' }] }],
    code: { coding: [{ system: 'http://snomed.info/sct', code, display }], text: display },
    subject: { reference: subject },
    onsetDateTime: date(rng, 2000, 2024),
  };
}

export function encounter(rng: Rng, subject: string): Json {
  const start = instant(rng);
  return {
    resourceType: 'Encounter',
    status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: 'ambulatory' },
    type: [{ coding: [{ system: 'http://snomed.info/sct', code: '185349003', display: 'Encounter for check up' }] }],
    subject: { reference: subject },
    period: { start, end: start.replace(/T(\d\d)/, (_m, h: string) => `T${String(Math.min(23, Number(h) + 1)).padStart(2, '0')}`) },
  };
}

/** A transaction of `size` entries: one Patient per ten entries, the rest referencing them. */
export function transactionBundle(rng: Rng, size = 100): Json {
  const entry: Json[] = [];
  const patients: string[] = [];
  for (let i = 0; i < size; i++) {
    let resource: Json;
    const fullUrl = `urn:uuid:${randomUUID()}`;
    if (i % 10 === 0) {
      resource = patient(rng);
      patients.push(fullUrl);
    } else {
      const subject = patients[patients.length - 1]!;
      const r = rng.next();
      resource = r < 0.7 ? vitalSign(rng, subject) : r < 0.85 ? condition(rng, subject) : encounter(rng, subject);
    }
    entry.push({ fullUrl, resource, request: { method: 'POST', url: resource.resourceType } });
  }
  return { resourceType: 'Bundle', type: 'transaction', entry };
}

/** The stored form of a resource, as Continuum would keep it (for the ceiling's rows). */
export function stored(resource: Json, id: string): string {
  const { resourceType, ...rest } = resource;
  return JSON.stringify({ resourceType, id, meta: { versionId: '1', lastUpdated: new Date().toISOString() }, ...rest });
}
