/**
 * The access policy restated as conditions on stored rows, for searches. `visible` (policy.ts)
 * decides on one resource in hand; a search must instead say, before reading anything, which
 * rows it may touch: the compartments they must be in, the scope filters one of which they must
 * match, and the sensitivity labels they must not carry. These are those conditions, in plain
 * data; the search layer turns them into SQL (search/row-limit.ts).
 *
 * A resource passes these conditions exactly when `visible` lets the caller search or read it
 * (test/access/row-rules.test.ts holds the two in step). Pure: no I/O, time is a parameter.
 */
import { compartmentLimit, covers, OPEN_WHEN_UNASSIGNED, patientContext, permissionFor, permits, usableRules, type Principal } from './policy.ts';
import { PSYCHOTHERAPY_NOTE, restrictedLabels, rightsCover } from './sensitivity.ts';

export interface RowRules {
  /** Whether the caller may search or read the type at all. */
  readable: boolean;
  /** Rows must be in one of these patients' compartments (patient-compartment types only); undefined: any. */
  compartments?: readonly string[];
  /**
   * A row must satisfy one of these, one per scope rule granting the type: in the compartment of
   * a patient in context (a `patient/` rule) and matching the rule's v2 filter. Undefined when a
   * granting rule sets no condition.
   */
  alternatives?: ReadonlyArray<{ compartments?: readonly string[]; filter: ReadonlyArray<readonly [string, string]> }>;
  /** Rows in no patient's compartment pass the compartment conditions too (policy.ts `OPEN_WHEN_UNASSIGNED`). */
  unassignedOpen?: boolean;
}

export interface LabelRules {
  /** Labels whose resources the caller may never see. */
  hidden: { system: string; code: string }[];
  /** Labels whose resources the caller sees only in these compartments: their own record, a broken glass. */
  hiddenOutside?: { labels: { system: string; code: string }[]; compartments: string[] };
}

/** The rows of `type` the caller may find by search or read. */
export function rowRules(p: Principal, type: string, inCompartmentType: boolean): RowRules {
  const permissions = (['search', 'read'] as const).filter((i) => permits(p, i, type)).map(permissionFor);
  if (permissions.length === 0) return { readable: false };
  const limit = inCompartmentType ? compartmentLimit(p) : undefined;
  const base: RowRules = { readable: true, ...(limit ? { compartments: limit } : {}), ...(inCompartmentType && OPEN_WHEN_UNASSIGNED.has(type) ? { unassignedOpen: true } : {}) };
  const alternatives: NonNullable<RowRules['alternatives']>[number][] = [];
  for (const rule of usableRules(p)) {
    if (!permissions.some((permission) => covers(rule, type, permission))) continue;
    const context = rule.context === 'patient' && inCompartmentType ? patientContext(p) : undefined;
    if (context === undefined && rule.filter.length === 0) return base;
    alternatives.push({ ...(context ? { compartments: context } : {}), filter: rule.filter });
  }
  return { ...base, alternatives };
}

/** The sensitivity labels that hide resources from the caller, and where they do not. */
export function labelRules(p: Principal, now: Date = new Date()): LabelRules {
  const denied = restrictedLabels().filter((l) => !rightsCover(p.securityRights, l.code));
  const open = new Set<string>();
  if (p.kind === 'patient' && p.patient !== undefined) open.add(p.patient);
  for (const grant of p.breakGlass) if (grant.until.getTime() > now.getTime()) open.add(grant.patient);
  if (open.size === 0) return { hidden: denied };
  // Neither their own record nor a broken glass opens psychotherapy notes (see policy.ts).
  return {
    hidden: denied.filter((l) => l.code === PSYCHOTHERAPY_NOTE),
    hiddenOutside: { labels: denied.filter((l) => l.code !== PSYCHOTHERAPY_NOTE), compartments: [...open] },
  };
}
