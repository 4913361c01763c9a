/**
 * The audit trail's vocabulary: what is recorded (AuditInput), what is stored (AuditContent, and
 * AuditFields once placed in a chain) and reported (AuditRow), and the checks an input passes
 * before it joins a batch. The lists here and the CHECK constraints of migration 008 say the same
 * thing; an input is checked here first so that one bad entry is refused on its own instead of
 * failing the batch it would have joined.
 */

export const AUDIT_ACTIONS = [
  'login', 'logout', 'login-failed', 'read', 'vread', 'search', 'history', 'create', 'update', 'patch',
  'delete', 'transaction', 'operation', 'export', 'break-glass', 'permission-change', 'token', 'revoke',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_OUTCOMES = ['success', 'failure', 'denied'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export type AuditPriority = 'normal' | 'high';

/** One event to record. Absent optional fields are stored as NULL (patients as an empty list). */
export interface AuditInput {
  tenant: string;
  action: AuditAction;
  outcome: AuditOutcome;
  /** Defaults to 'high' for break-glass and permission-change, 'normal' otherwise. */
  priority?: AuditPriority;
  /** When the event happened; defaults to the trail's clock. Stored to the millisecond. */
  recorded?: Date;
  userId?: string;
  username?: string;
  /** The user's FHIR resource, e.g. `Practitioner/prac-1`. */
  fhirUser?: string;
  role?: string;
  clientId?: string;
  /** Ids of the patients whose data was touched or returned. */
  patients?: readonly string[];
  /** `Observation/123`, or a resource type for searches. */
  resource?: string;
  query?: string;
  sourceIp?: string;
  detail?: string;
}

/** The fields the hash covers, in the form they are stored and read back. */
export interface AuditFields {
  /** The chain (0..15) the entry is on. */
  lane: number;
  /** Decimal string: the position in its lane's chain, from 1. */
  pos: string;
  tenantId: string;
  /** ISO 8601, UTC, milliseconds: `2031-03-04T05:06:07.000Z`. */
  recorded: string;
  action: AuditAction;
  outcome: AuditOutcome;
  priority: AuditPriority;
  userId: string | null;
  username: string | null;
  fhirUser: string | null;
  role: string | null;
  clientId: string | null;
  patients: string[];
  resource: string | null;
  query: string | null;
  sourceIp: string | null;
  detail: string | null;
}

/** An entry as the report reads it. */
export interface AuditRow extends AuditFields {
  /** Decimal string: the entry's id (AuditEvent id, report order and cursor); not hashed. */
  seq: string;
}

export class AuditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditError';
  }
}

const isAction = (a: unknown): a is AuditAction => (AUDIT_ACTIONS as readonly unknown[]).includes(a);
export const isAuditAction = isAction;

/** What the caller's input becomes: the hashed fields but the place in a chain, given when it is appended. */
export type AuditContent = Omit<AuditFields, 'lane' | 'pos'>;

/** Checks an input and returns its stored form, without its place (assigned when it is appended). */
export function auditFields(input: AuditInput, now: Date): AuditContent {
  if (typeof input.tenant !== 'string' || input.tenant === '') throw new AuditError('an audit entry needs a tenant');
  if (!isAction(input.action)) throw new AuditError(`unknown audit action '${String(input.action)}'`);
  if (!(AUDIT_OUTCOMES as readonly unknown[]).includes(input.outcome)) throw new AuditError(`unknown audit outcome '${String(input.outcome)}'`);
  if (input.priority !== undefined && input.priority !== 'normal' && input.priority !== 'high') throw new AuditError(`unknown audit priority '${String(input.priority)}'`);
  const patients = [...(input.patients ?? [])];
  if (patients.some((p) => typeof p !== 'string' || p === '')) throw new AuditError('audit patients must be non-empty ids');
  const recorded = input.recorded ?? now;
  if (Number.isNaN(recorded.getTime())) throw new AuditError('invalid audit time');
  return {
    tenantId: input.tenant,
    recorded: recorded.toISOString(),
    action: input.action,
    outcome: input.outcome,
    priority: input.priority ?? (input.action === 'break-glass' || input.action === 'permission-change' ? 'high' : 'normal'),
    userId: input.userId ?? null,
    username: input.username ?? null,
    fhirUser: input.fhirUser ?? null,
    role: input.role ?? null,
    clientId: input.clientId ?? null,
    patients,
    resource: input.resource ?? null,
    query: input.query ?? null,
    sourceIp: input.sourceIp ?? null,
    detail: input.detail ?? null,
  };
}
