/**
 * A bookable clinic for the scheduling tests: the authorization tests' clinic (two patients, staff
 * of every role, the patient user `alice` for patient A), a proxy (a parent, RelatedPerson of
 * patient B), a clinic Location and the physician's Schedule offering every appointment type. Slots are made per test at times relative
 * to now, through the API with the system client, as staff would.
 */
import type { Parameters, ParametersParameter, Slot } from '@medplum/fhirtypes';
import { AccountService } from '../../src/identity/accounts.ts';
import { APPOINTMENT_TYPES } from '../../src/portal/scheduling/codes.ts';
import { buildClinic, create, PASSWORD, userToken, type Clinic } from '../auth/fixtures.ts';
import type { TestServer } from '../fixtures/server.ts';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export interface SchedulingClinic extends Clinic {
  location: string;
  schedule: string;
  /** Tokens: `patient` is patient A's own; `proxy` is patient B's parent. */
  tokens: { patient: string; proxy: string; physician: string; biller: string; readOnlyApp: string };
}

export async function buildSchedulingClinic(server: TestServer): Promise<SchedulingClinic> {
  const clinic = await buildClinic(server);
  const location = await create(server, { resourceType: 'Location', status: 'active', name: 'Riverside Family Practice, Main St' });
  const schedule = await create(server, {
    resourceType: 'Schedule',
    active: true,
    serviceType: APPOINTMENT_TYPES.map((coding) => ({ coding: [coding] })),
    actor: [{ reference: `Practitioner/${clinic.practitioner}`, display: 'Dr. Ada Okafor' }, { reference: `Location/${location}` }],
  });
  const parent = await create(server, {
    resourceType: 'RelatedPerson',
    active: true,
    patient: { reference: `Patient/${clinic.patientB}` },
    relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'PRN' }] }],
    name: [{ family: 'Otherpatient', given: ['Jordan'] }],
  });
  await new AccountService(server.database.db).create({ tenantId: clinic.tenant, username: 'parent.b', kind: 'proxy', fhirUser: `RelatedPerson/${parent}`, password: PASSWORD });
  const tokens = {
    patient: await userToken(server, clinic, 'alice', 'openid fhirUser user/*.cruds'),
    proxy: await userToken(server, clinic, 'parent.b', 'openid fhirUser user/*.cruds'),
    physician: await userToken(server, clinic, 'dr.okafor'),
    biller: await userToken(server, clinic, 'bill.ng'),
    readOnlyApp: await userToken(server, clinic, 'alice', 'openid fhirUser patient/*.rs'),
  };
  return { ...clinic, location, schedule, tokens };
}

/** A free (or busy) 20-minute slot of the clinic's schedule starting `fromNow` ms from now. */
export async function makeSlot(server: TestServer, c: SchedulingClinic, fromNow: number, status: Slot['status'] = 'free'): Promise<string> {
  const start = new Date(Math.floor((Date.now() + fromNow) / 60_000) * 60_000);
  return create(server, {
    resourceType: 'Slot',
    schedule: { reference: `Schedule/${c.schedule}` },
    status,
    start: start.toISOString(),
    end: new Date(start.getTime() + 20 * 60_000).toISOString(),
  });
}

export function params(parts: Record<string, Omit<ParametersParameter, 'name'>>): Parameters {
  return { resourceType: 'Parameters', parameter: Object.entries(parts).map(([name, value]) => ({ name, ...value })) };
}

export const ref = (reference: string): Omit<ParametersParameter, 'name'> => ({ valueReference: { reference } });
