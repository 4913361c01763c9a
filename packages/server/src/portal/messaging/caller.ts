/**
 * Who is calling a portal operation, in the terms the operations decide on: a patient-side user
 * (a patient, or a proxy acting for some patients) or a staff member linked to a Practitioner.
 * The guard (api/guard.ts) has already checked that the operation's target is visible; these
 * checks add what only the operation knows: the caller's side, the patient they act for, and
 * the write permission the operation's effect needs.
 */
import type { Reference } from '@medplum/fhirtypes';
import { forbidden, notFound } from '@continuum/fhir';
import { compartmentLimit, permits, type Interaction, type Principal } from '../../access/policy.ts';
import type { ApiContext } from '../../api/types.ts';

export interface Caller {
  principal: Principal;
  side: 'patient' | 'staff';
  /** The caller's FHIR user: Patient/…, RelatedPerson/… (a proxy) or Practitioner/… (staff). */
  fhirUser: string;
}

/** The signed-in user behind the request; system clients and accounts without a FHIR user are refused. */
export function callerOf(ctx: ApiContext, operation: string): Caller {
  const p = ctx.principal;
  if (!p) throw forbidden(`${operation} needs a signed-in user`);
  if ((p.kind === 'patient' || p.kind === 'proxy') && p.fhirUser) return { principal: p, side: 'patient', fhirUser: p.fhirUser };
  if (p.kind === 'staff' && p.fhirUser?.startsWith('Practitioner/')) return { principal: p, side: 'staff', fhirUser: p.fhirUser };
  throw forbidden(`${operation} is for patients, their proxies and practitioners signed in as themselves`);
}

/** A patient-side caller must act for `patientId`; staff reach every patient the guard let through. */
export function checkActsFor(caller: Caller, patientId: string): void {
  if (caller.side === 'staff') return;
  const limit = compartmentLimit(caller.principal) ?? [];
  if (!limit.includes(patientId)) throw notFound(`Patient/${patientId} is not known`);
}

/** The caller's access must allow `interaction` on `type` (the operation's effect), else 403. */
export function checkPermits(caller: Caller, interaction: Interaction, type: string, operation: string): void {
  if (!permits(caller.principal, interaction, type)) throw forbidden(`Your access does not allow ${operation} (it needs ${interaction} on ${type})`);
}

/** `Type/id` of a reference, when it is a plain relative one. */
export function referenceKey(ref: Reference | undefined): string | undefined {
  const r = ref?.reference;
  return typeof r === 'string' && /^[A-Z][A-Za-z]+\/[A-Za-z0-9.-]{1,64}$/.test(r) ? r : undefined;
}

/** The id of a `Type/id` reference of the given type. */
export function idOf(ref: Reference | undefined, type: string): string | undefined {
  const key = referenceKey(ref);
  return key?.startsWith(`${type}/`) ? key.slice(type.length + 1) : undefined;
}
