/**
 * Turns the directory model into FHIR: Organizations with NPIs and addresses, Locations,
 * Practitioners with NPI identifiers and qualifications, and PractitionerRoles tying each person
 * to an organization, a location and a NUCC specialty. The shapes follow US Core's
 * Organization, Location, Practitioner and PractitionerRole profiles.
 */
import type { Location, Organization, Practitioner, PractitionerRole, Resource } from '@medplum/fhirtypes';
import { ref } from './bundle.ts';
import { credential, isClinician } from './directory.ts';
import type { Directory, Org, Staff, StaffKind } from './directory.ts';
import { NPI_SYSTEM } from './npi.ts';
import { STATE } from './places.ts';
import { Rng } from './prng.ts';

export const EMPLOYEE_SYSTEM = 'urn:continuum:synth:employee-id';
const ORG_TYPE = 'http://terminology.hl7.org/CodeSystem/organization-type';
const ROLE_CODE = 'http://terminology.hl7.org/CodeSystem/v3-RoleCode';
const NUCC = 'http://nucc.org/provider-taxonomy';

const ORG_TYPES: Record<Org['kind'], [string, string]> = {
  clinic: ['prov', 'Healthcare Provider'], hospital: ['prov', 'Healthcare Provider'], lab: ['prov', 'Healthcare Provider'],
  pharmacy: ['prov', 'Healthcare Provider'], payer: ['ins', 'Insurance Company'],
};

const LOCATION_TYPES: Record<Org['locations'][number]['role'], [string, string]> = {
  clinic: ['GIM', 'General internal medicine clinic'], ed: ['ER', 'Emergency room'], ward: ['HOSP', 'Hospital'],
  lab: ['OUTLAB', 'outpatient laboratory'], pharmacy: ['PHARM', 'Pharmacy'],
};

const SPECIALTY: Record<StaffKind, [string, string] | undefined> = {
  family: ['207Q00000X', 'Family Medicine Physician'], internist: ['207R00000X', 'Internal Medicine Physician'],
  pediatrician: ['208000000X', 'Pediatrics Physician'], np: ['363LF0000X', 'Family Nurse Practitioner'],
  ed: ['207P00000X', 'Emergency Medicine Physician'], hospitalist: ['208M00000X', 'Hospitalist Physician'],
  nurse: ['163W00000X', 'Registered Nurse'], 'front-desk': undefined, biller: undefined, admin: undefined,
};

const ROLE: Record<StaffKind, { code?: [string, string]; text: string }> = {
  family: { code: ['doctor', 'Doctor'], text: 'Physician' }, internist: { code: ['doctor', 'Doctor'], text: 'Physician' },
  pediatrician: { code: ['doctor', 'Doctor'], text: 'Physician' }, ed: { code: ['doctor', 'Doctor'], text: 'Physician' },
  hospitalist: { code: ['doctor', 'Doctor'], text: 'Physician' }, np: { text: 'Nurse practitioner' },
  nurse: { code: ['nurse', 'Nurse'], text: 'Nurse' }, 'front-desk': { text: 'Front desk' },
  biller: { text: 'Billing specialist' }, admin: { code: ['ict', 'ICT professional'], text: 'Practice administrator' },
};

function orgPhone(o: Org, n: number): string {
  return `(${o.town.areaCode}) 555-01${String(n % 100).padStart(2, '0')}`;
}

function organization(o: Org, n: number, rng: Rng): Organization {
  const [code, display] = ORG_TYPES[o.kind];
  const line = `${rng.int(100, 4999)} ${rng.pick(['Main', 'Commercial', 'Health', 'Medical Center', 'Cascade'])} ${rng.pick(['St', 'Ave', 'Pkwy', 'Dr'])}`;
  return {
    resourceType: 'Organization', id: o.id, active: true,
    ...(o.npi ? { identifier: [{ system: NPI_SYSTEM, value: o.npi }] } : {}),
    type: [{ coding: [{ system: ORG_TYPE, code, display }] }], name: o.name,
    telecom: [{ system: 'phone', value: orgPhone(o, n), use: 'work' }],
    address: [{ use: 'work', line: [line], city: o.town.city, state: STATE, postalCode: o.town.postalCode, country: 'US' }],
  };
}

function location(o: Org, l: Org['locations'][number], base: Organization): Location {
  const [code, display] = l.pediatric ? ['PEDC', 'Pediatrics clinic'] : LOCATION_TYPES[l.role];
  return {
    resourceType: 'Location', id: l.id, status: 'active', name: l.name, mode: 'instance',
    type: [{ coding: [{ system: ROLE_CODE, code, display }] }],
    ...(base.telecom ? { telecom: base.telecom } : {}), ...(base.address?.[0] ? { address: base.address[0] } : {}),
    managingOrganization: ref('Organization', o.id, o.name),
  };
}

function practitioner(s: Staff, n: number): Practitioner {
  const cred = credential(s.kind);
  const p: Practitioner = {
    resourceType: 'Practitioner', id: s.id, active: true,
    identifier: s.npi ? [{ system: NPI_SYSTEM, value: s.npi }] : [{ system: EMPLOYEE_SYSTEM, value: `E${String(1000 + n)}` }],
    name: [s.name], gender: s.gender,
    telecom: [{ system: 'phone', value: orgPhone(s.org, 50 + n), use: 'work' }, { system: 'email', value: `${(s.name.given?.[0] ?? 'staff').toLowerCase()}.${(s.name.family ?? 'x').toLowerCase().replace(/[^a-z]/g, '')}@${s.org.kind}.example.org`, use: 'work' }],
  };
  if (cred) {
    p.qualification = [{
      code: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0360', code: cred }], text: cred },
      issuer: { display: 'Oregon Medical Board' },
    }];
  }
  return p;
}

function role(s: Staff): PractitionerRole {
  const r = ROLE[s.kind];
  const spec = SPECIALTY[s.kind];
  const loc = s.org.locations[0];
  return {
    resourceType: 'PractitionerRole', id: s.roleId, active: true,
    practitioner: ref('Practitioner', s.id, s.display), organization: ref('Organization', s.org.id, s.org.name),
    code: [{ ...(r.code ? { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/practitioner-role', code: r.code[0], display: r.code[1] }] } : {}), text: r.text }],
    ...(spec ? { specialty: [{ coding: [{ system: NUCC, code: spec[0], display: spec[1] }] }] } : {}),
    ...(loc ? { location: [ref('Location', loc.id, loc.name)] } : {}),
    ...(isClinician(s.kind) ? { availableTime: [{ daysOfWeek: ['mon', 'tue', 'wed', 'thu', 'fri'], availableStartTime: '08:00:00', availableEndTime: '17:00:00' }] } : {}),
  };
}

/** Every directory resource: Organizations, then Locations, Practitioners and roles. */
export function directoryResources(dir: Directory): Resource[] {
  const rng = new Rng(`${dir.seed}|directory-resources`);
  const out: Resource[] = [];
  const locations: Resource[] = [];
  dir.orgs.forEach((o, i) => {
    const org = organization(o, i, rng);
    out.push(org);
    for (const l of o.locations) locations.push(location(o, l, org));
  });
  out.push(...locations);
  dir.staff.forEach((s, i) => out.push(practitioner(s, i)));
  for (const s of dir.staff) out.push(role(s));
  return out;
}
