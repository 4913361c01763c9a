/**
 * The access decision, in two steps, both pure and deny-by-default. `permits` decides at the
 * type level, before any data is read: a granted scope rule must allow the interaction, and for
 * staff a role must too (SMART scopes delegate a user's rights, never add to them). `visible`
 * decides on one resource the principal would see or write: the type-level decision again, then
 * compartment limits, sensitivity labels and the v2 scope filters. It does no I/O: compartments
 * and token index values come from the caller, and time is a parameter.
 *
 * Beyond the rules the interface states, three guards close gaps a caller could leave open:
 * - a `patient/` rule only reaches the patients in context, whatever `patients` says;
 * - a patient or proxy with no `patients` list sees only `patient` (not everyone), and writes only
 *   clinical, demographic and scheduling data in those compartments (never the directory,
 *   conformance or audit types, which are not theirs to change, nor RelatedPerson and Person,
 *   which say who may act for whom, nor Appointment, Slot and Schedule, which they change only
 *   through the booking operations, so that the clinic's rules and a slot's claim hold), and never
 *   reads payments, which no compartment holds;
 * - break-the-glass does not open psychotherapy notes: HIPAA (45 CFR 164.508(a)(2)) allows their
 *   use without authorisation only by their originator, and an emergency is not an exception.
 */
import type { Role } from '../identity/types.ts';
import { categoryOf, rolePermits } from './roles.ts';
import type { Permission, ScopeRule } from './scopes.ts';
import { PSYCHOTHERAPY_NOTE, restrictedCodes, rightsCover } from './sensitivity.ts';

export { restrictedCodes } from './sensitivity.ts';

export type Interaction = 'read' | 'vread' | 'history' | 'search' | 'create' | 'update' | 'patch' | 'delete' | 'operation';

export interface Principal {
  kind: 'system' | 'staff' | 'patient' | 'proxy';
  tenant: string;
  clientId: string;
  userId?: string;
  username?: string;
  fhirUser?: string;
  roles: readonly Role[];
  scopes: readonly ScopeRule[];
  /** Patient context: the launch patient, or a patient user's own id. */
  patient?: string;
  /**
   * The patients whose compartments the token may see (patient users: themselves; proxies: those
   * they act for; patient-context launches: the launch patient). Undefined = not
   * compartment-limited (for patients and proxies: limited to `patient`).
   */
  patients?: readonly string[];
  /** Confidentiality/sensitivity codes (from meta.security) this user may see. */
  securityRights: readonly string[];
  /** Active break-the-glass grants. */
  breakGlass: ReadonlyArray<{ patient: string; until: Date }>;
  /**
   * A partner deployment calling through SMART Backend Services (exchange/partners): it may call
   * only routes marked `partner` (api/guard.ts), whose handlers enforce the patient's consent.
   */
  partner?: { organizationId: string; name: string };
}

export interface ResourceAccessInfo {
  /** Ids of the Patients whose compartment the resource is in. */
  compartments: readonly string[];
  /** Whether the resource's type is listed in the R4 patient CompartmentDefinition. */
  inCompartmentType: boolean;
  /** The resource's token index values for a search parameter, as `system|code` and `code`. */
  tokens(param: string): readonly string[];
}

const WRITES: ReadonlySet<Permission> = new Set(['c', 'u', 'd']);
const PATIENT_WRITABLE = new Set(['clinical', 'demographics', 'scheduling']);
/**
 * Who acts for whom: a proxy's patients come from these (auth/proxy-patients.ts), so a patient
 * or proxy who wrote them could grant themselves another patient's record, or undo a revocation.
 */
const PROXY_LINK_TYPES = new Set(['RelatedPerson', 'Person']);
/**
 * Booked only through `$book`, `$cancel` and `$reschedule` (portal/scheduling), which check the
 * booking policy and claim the slot atomically: a direct write could skip both.
 */
const BOOKING_TYPES = new Set(['Appointment', 'Slot', 'Schedule']);
/**
 * Payments name no patient a compartment could hold them to (R4 leaves them out of the patient
 * compartment), so a patient or proxy who could read them would read everyone's. Their own
 * payments reach them through the portal's statement (`Patient/{id}/$statement`).
 */
const UNCOMPARTMENTED_PAYMENTS = new Set(['PaymentReconciliation', 'PaymentNotice']);
/**
 * The clinic's bookable calendars. R4 lists Schedule in the patient compartment (through
 * `actor`), yet a clinician's Schedule is in nobody's, and patients must find it to book
 * (portal/scheduling). One in no patient's compartment is open to whoever may read the type; one
 * naming a patient stays in that patient's compartment.
 */
export const OPEN_WHEN_UNASSIGNED: ReadonlySet<string> = new Set(['Schedule']);

/** Whether the compartment limits bind this resource: a compartment type, and not an unassigned calendar. */
function compartmentBound(type: string, info: ResourceAccessInfo): boolean {
  return info.inCompartmentType && !(OPEN_WHEN_UNASSIGNED.has(type) && info.compartments.length === 0);
}

/**
 * Map an interaction to the SMART permission letter (read/vread/history=r, search=s, create=c,
 * update/patch=u, delete=d; operation: decided by the caller, default r).
 */
export function permissionFor(i: Interaction): Permission {
  switch (i) {
    case 'read':
    case 'vread':
    case 'history':
    case 'operation':
      return 'r';
    case 'search':
      return 's';
    case 'create':
      return 'c';
    case 'update':
    case 'patch':
      return 'u';
    case 'delete':
      return 'd';
  }
}

const isPatientUser = (p: Principal): boolean => p.kind === 'patient' || p.kind === 'proxy';

/** The scope rules this kind of principal may use at all. */
export function usableRules(p: Principal): ScopeRule[] {
  return p.scopes.filter((rule) => {
    switch (p.kind) {
      case 'system':
        return rule.context === 'system';
      case 'patient':
      case 'proxy':
        return rule.context === 'patient' || rule.context === 'user';
      case 'staff':
        return rule.context === 'user' || (rule.context === 'patient' && p.patient !== undefined);
    }
  });
}

export function covers(rule: ScopeRule, type: string, permission: Permission): boolean {
  return (rule.resourceType === '*' || rule.resourceType === type) && rule.permissions.has(permission);
}

/** The compartments a principal is limited to; undefined when it is not limited. */
export function compartmentLimit(p: Principal): readonly string[] | undefined {
  if (p.patients !== undefined) return p.patients;
  if (isPatientUser(p)) return p.patient === undefined ? [] : [p.patient];
  return undefined;
}

/** The patients a `patient/` rule reaches: the ones in context, never everyone. */
export function patientContext(p: Principal): readonly string[] {
  return p.patients ?? (p.patient === undefined ? [] : [p.patient]);
}

const inAny = (compartments: readonly string[], patients: readonly string[]): boolean =>
  compartments.some((id) => patients.includes(id));

/**
 * Type-level decision before touching data: is there a scope rule (and, for staff, a role)
 * allowing this interaction on this type? `permission` overrides `permissionFor(interaction)`,
 * for operations that write.
 */
export function permits(p: Principal, interaction: Interaction, type: string, permission = permissionFor(interaction)): boolean {
  const category = categoryOf(type);
  if (category === undefined) return false;
  if (!usableRules(p).some((rule) => covers(rule, type, permission))) return false;
  switch (p.kind) {
    case 'system':
      return true;
    case 'staff':
      return rolePermits(p.roles, type, permission);
    case 'patient':
    case 'proxy':
      // A patient adds to their record (intake, self-reported data) but never deletes from it:
      // the record is the clinic's legal document (amendments go to staff).
      if (permission === 'd' || UNCOMPARTMENTED_PAYMENTS.has(type)) return false;
      return !WRITES.has(permission) || (PATIENT_WRITABLE.has(category) && !PROXY_LINK_TYPES.has(type) && !BOOKING_TYPES.has(type));
  }
}

function activeBreakGlass(p: Principal, compartments: readonly string[], now: Date): boolean {
  return p.breakGlass.some((grant) => grant.until.getTime() > now.getTime() && compartments.includes(grant.patient));
}

function sensitivityAllows(p: Principal, codes: readonly string[], compartments: readonly string[], now: Date): boolean {
  if (codes.length === 0) return true;
  const ownRecord = p.kind === 'patient' && p.patient !== undefined && compartments.includes(p.patient);
  const glass = activeBreakGlass(p, compartments, now);
  return codes.every(
    (code) => rightsCover(p.securityRights, code) || (code !== PSYCHOTHERAPY_NOTE && (ownRecord || glass)),
  );
}

/**
 * One filter value against the resource's tokens, with FHIR token semantics: `code` matches in
 * any system, `system|code` exactly, `system|` any code of the system, `|code` only codes without
 * a system; a comma separates alternatives.
 */
function valueMatches(value: string, tokens: readonly string[]): boolean {
  return value.split(',').some((alt) => {
    const bar = alt.indexOf('|');
    if (bar < 0) return alt !== '' && tokens.some((t) => t === alt || t.endsWith(`|${alt}`));
    const system = alt.slice(0, bar);
    const code = alt.slice(bar + 1);
    if (system === '' && code === '') return false;
    if (system === '') return tokens.includes(alt) || (tokens.includes(code) && !tokens.some((t) => t.endsWith(alt)));
    if (code === '') return tokens.some((t) => t.startsWith(alt));
    return tokens.includes(alt);
  });
}

function filterHolds(rule: ScopeRule, info: ResourceAccessInfo): boolean {
  return rule.filter.every(([param, value]) => valueMatches(value, info.tokens(param)));
}

/**
 * Instance-level decision on a resource the principal would see or write: (1) compartment limits,
 * (2) sensitivity labels, unless a right, the patient's own record (not psychotherapy notes) or
 * an unexpired break-the-glass grant covers them, (3) a usable scope rule for the type and
 * permission whose v2 filter the resource satisfies.
 */
export function visible(
  p: Principal,
  resource: { resourceType: string; meta?: { security?: { system?: string; code?: string }[] } },
  info: ResourceAccessInfo,
  interaction: Interaction,
  now: Date = new Date(),
  permission: Permission = permissionFor(interaction),
): boolean {
  const type = resource.resourceType;
  if (!permits(p, interaction, type, permission)) return false;
  const limit = compartmentLimit(p);
  const bound = compartmentBound(type, info);
  if (limit !== undefined && bound && !inAny(info.compartments, limit)) return false;
  if (isPatientUser(p) && WRITES.has(permission) && !info.inCompartmentType) return false;
  if (!sensitivityAllows(p, restrictedCodes(resource), info.compartments, now)) return false;
  return usableRules(p).some(
    (rule) =>
      covers(rule, type, permission) &&
      (rule.context !== 'patient' || !bound || inAny(info.compartments, patientContext(p))) &&
      filterHolds(rule, info),
  );
}
