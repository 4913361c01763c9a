/**
 * Where a patient sent by a partner belongs here. The partner's identifiers are kept on the local
 * Patient under a system naming that partner (`urn:continuum:partner-identifier:<org id>`), never
 * under their own system: two deployments number their patients alike (`urn:continuum:mrn`), and
 * a partner's number must not pass for one of ours. A patient is placed by those identifiers
 * first (a patient the same partner sent before, or the one it was merged into since), then by a certain match (mpi/matcher.ts);
 * otherwise a referral creates a new Patient marked external, and a message is filed with no
 * patient. Also: which Organization this tenant is.
 */
import type { Identifier, Patient } from '@medplum/fhirtypes';
import type { Repository } from '../../store/repository.ts';
import { EXTERNAL_SOURCE_EXT, EXTERNAL_TAG } from '../codes.ts';
import { findMatches } from '../mpi/matcher.ts';
import { PARTNER_IDENTIFIER_PREFIX } from './referral-codes.ts';

export interface Sender {
  organizationId: string;
  name: string;
}

/** The sender's identifiers of a patient, as kept here. */
export function partnerIdentifiers(incoming: Patient, sender: Sender): Identifier[] {
  const system = `${PARTNER_IDENTIFIER_PREFIX}${sender.organizationId}`;
  return (incoming.identifier ?? [])
    .filter((i) => typeof i.value === 'string' && i.value !== '')
    .map((i) => ({
      use: 'secondary' as const,
      system,
      value: i.value!,
      ...(i.system ? { type: { text: i.system } } : {}),
      assigner: { reference: `Organization/${sender.organizationId}`, display: sender.name },
    }));
}

export function sourceExtension(sender: Sender): { url: string; valueReference: { reference: string; display: string } } {
  return { url: EXTERNAL_SOURCE_EXT, valueReference: { reference: `Organization/${sender.organizationId}`, display: sender.name } };
}

/** The patient a merged-away Patient was merged into (Patient.link replaced-by), else the patient itself. */
async function survivor(repo: Repository, patient: Patient): Promise<string> {
  let current = patient;
  for (let hop = 0; hop < 5 && current.active === false; hop++) {
    const next = current.link?.find((l) => l.type === 'replaced-by')?.other?.reference;
    if (!next?.startsWith('Patient/')) break;
    const found = (await repo.read('Patient', next.slice('Patient/'.length)).catch(() => undefined)) as Patient | undefined;
    if (!found) break;
    current = found;
  }
  return current.id!;
}

/** The local Patient the sender's patient is, when known by its identifiers or a certain match. */
export async function findPlacedPatient(repo: Repository, incoming: Patient, sender: Sender): Promise<string | undefined> {
  for (const id of partnerIdentifiers(incoming, sender)) {
    const criteria = new URLSearchParams({ identifier: `${id.system}|${id.value}` }).toString();
    const page = await repo.search(repo.parseCriteria('Patient', criteria), { count: 2 });
    if (page.matches.length === 1) return survivor(repo, JSON.parse(page.matches[0]!.content) as Patient);
  }
  const query: Patient = { ...incoming, identifier: [] };
  delete query.id;
  const certain = (await findMatches(repo, query, { onlyCertainMatches: true, count: 2 })).filter((m) => m.grade === 'certain');
  return certain.length === 1 ? certain[0]!.patient.id : undefined;
}

/** A new local Patient from the sender's: demographics, the sender's identifiers, marked external. */
export function externalPatient(incoming: Patient, sender: Sender): Patient {
  const { name, telecom, gender, birthDate, address, communication } = incoming;
  return {
    resourceType: 'Patient',
    meta: { tag: [EXTERNAL_TAG] },
    extension: [sourceExtension(sender)],
    identifier: partnerIdentifiers(incoming, sender),
    active: true,
    ...(name ? { name } : {}),
    ...(telecom ? { telecom } : {}),
    ...(gender ? { gender } : {}),
    ...(birthDate ? { birthDate } : {}),
    ...(address ? { address } : {}),
    ...(communication ? { communication } : {}),
  };
}

/**
 * This tenant's own Organization: the one most of its staff accounts belong to, when any does and
 * it still exists. Partners' Organizations never qualify (no account belongs to them).
 */
export async function ownOrganization(repo: Repository): Promise<string | undefined> {
  const { rows } = await repo.queryable.query<{ organization: string }>(
    `SELECT organization FROM user_account WHERE tenant_id = $1 AND kind = 'staff' AND organization LIKE 'Organization/%'
     GROUP BY organization ORDER BY count(*) DESC, organization LIMIT 1`,
    [repo.tenantId],
  );
  const ref = rows[0]?.organization;
  if (!ref) return undefined;
  return (await repo.exists('Organization', ref.slice('Organization/'.length)).catch(() => false)) ? ref : undefined;
}
