/**
 * Who may use the exchange operations on a patient's behalf, checked by the handlers (their
 * routes are `public` to the guard, like the portal's). Deny by default:
 * - a patient acts for themselves and a proxy for the patients they act for; any other patient id
 *   is a 403 decided before anything is read, so it tells nothing about that id;
 * - staff need one of the roles the operation names, then the patient must be visible to them
 *   (else 404, as the guard answers);
 * - a system client needs unrestricted access (`system/*.*`-like);
 * - partner principals never get here: their route is `partner: true` only for disclosure.
 * The token's scopes must also allow the access asked for (`r` or `c` on `type`).
 */
import { forbidden } from '@continuum/fhir';
import { covers, usableRules, type Principal } from '../../access/policy.ts';
import { instanceChecks, unrestricted } from '../../api/guard.ts';
import type { ApiContext } from '../../api/types.ts';
import type { Role } from '../../identity/types.ts';

export interface CallerRule {
  /** Staff roles allowed (one is enough). */
  roles: readonly Role[];
  /** Whether the patient and their proxies may call too. */
  patients: boolean;
  /** The scope access the token must hold. */
  scope: { type: string; permission: 'r' | 'c' };
  /** The operation's name, for messages. */
  operation: string;
}

export const CLINICAL_STAFF: readonly Role[] = ['physician', 'nurse', 'admin'];

/** Checks the caller may run `rule.operation` for `patientId`; returns the principal (undefined when auth is off). */
export async function checkCaller(ctx: ApiContext, patientId: string, rule: CallerRule): Promise<Principal | undefined> {
  const p = ctx.principal;
  if (!p) return undefined;
  if (p.partner) throw forbidden(`A partner organization may not use ${rule.operation}`);
  if (unrestricted(p)) return p;
  const scoped = usableRules(p).some((r) => covers(r, rule.scope.type, rule.scope.permission));
  if (p.kind === 'patient' || p.kind === 'proxy') {
    if (!rule.patients) throw forbidden(`${rule.operation} is for clinical staff`);
    const mine = p.patients ?? (p.patient !== undefined ? [p.patient] : []);
    if (!mine.includes(patientId)) throw forbidden(`${rule.operation}: you may act only for yourself or the patients you represent`);
  } else if (p.kind === 'staff') {
    if (!p.roles.some((r) => rule.roles.includes(r))) throw forbidden(`${rule.operation} is not available to your role`);
  } else {
    throw forbidden(`${rule.operation} needs a user, or a system client with full access`);
  }
  if (!scoped) throw forbidden(`Your access token does not allow ${rule.operation} (it needs ${rule.scope.permission} on ${rule.scope.type})`);
  await instanceChecks(ctx, p, { interaction: 'operation', type: 'Patient', target: { type: 'Patient', id: patientId } }, 'operation', undefined);
  return p;
}

/** The reference a write names as its author: the user's fhirUser, else the client. */
export function actorOf(p: Principal | undefined): { reference?: string; display: string } {
  if (p?.fhirUser) return { reference: p.fhirUser, display: p.username ?? p.fhirUser };
  return { display: p ? `client ${p.clientId}` : 'anonymous' };
}
