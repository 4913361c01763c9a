/**
 * Maps a stored audit entry to a FHIR R4 AuditEvent, with no I/O. REST interactions are typed
 * `rest` (audit-event-type) with the restful-interaction subtype; logins and logouts are DICOM
 * User Authentication; break-glass and permission changes are DICOM Security Alerts; exports are
 * DICOM Export. The user is the requesting agent and the client app a second one; the resource
 * and each patient are entities, and a search carries its query (base64, as the spec asks). An
 * operation also names itself, as a second subtype (`urn:continuum:operation`, e.g. `everything`).
 */
import type { AuditEvent, AuditEventAgent, AuditEventEntity, Coding } from '@medplum/fhirtypes';
import type { AuditAction, AuditOutcome, AuditRow } from './types.ts';

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const REST = 'http://hl7.org/fhir/restful-interaction';
const REST_TYPE: Coding = { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest', display: 'RESTful Operation' };
const USER_AUTH: Coding = { system: DCM, code: '110114', display: 'User Authentication' };
const SECURITY_ALERT: Coding = { system: DCM, code: '110113', display: 'Security Alert' };
const ENTITY_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-entity-type';
const OBJECT_ROLE = 'http://terminology.hl7.org/CodeSystem/object-role';

type Shape = 'instance' | 'type' | 'system';
interface EventKind {
  type: Coding;
  subtype?: (shape: Shape) => Coding;
  action: NonNullable<AuditEvent['action']>;
}

const rest = (code: string | ((shape: Shape) => string), action: EventKind['action']): EventKind => ({
  type: REST_TYPE,
  subtype: (shape) => {
    const c = typeof code === 'string' ? code : code(shape);
    return { system: REST, code: c, display: c };
  },
  action,
});
const dcm = (code: string, display: string): Coding => ({ system: DCM, code, display });

/** Search is an Execute (a query), per the AuditEvent.action definition; export reads data out. */
const KINDS: Record<AuditAction, EventKind> = {
  read: rest('read', 'R'),
  vread: rest('vread', 'R'),
  search: rest((s) => (s === 'system' ? 'search-system' : 'search-type'), 'E'),
  history: rest((s) => `history-${s}`, 'R'),
  create: rest('create', 'C'),
  update: rest('update', 'U'),
  patch: rest('patch', 'U'),
  delete: rest('delete', 'D'),
  transaction: rest('transaction', 'E'),
  operation: rest('operation', 'E'),
  login: { type: USER_AUTH, subtype: () => dcm('110122', 'Login'), action: 'E' },
  'login-failed': { type: USER_AUTH, subtype: () => dcm('110122', 'Login'), action: 'E' },
  logout: { type: USER_AUTH, subtype: () => dcm('110123', 'Logout'), action: 'E' },
  token: { type: USER_AUTH, action: 'E' },
  revoke: { type: USER_AUTH, action: 'E' },
  export: { type: dcm('110106', 'Export'), action: 'R' },
  'break-glass': { type: SECURITY_ALERT, subtype: () => dcm('110127', 'Emergency Override Started'), action: 'E' },
  'permission-change': { type: SECURITY_ALERT, subtype: () => dcm('110137', 'User Security Attributes Changed'), action: 'U' },
};

const OUTCOMES: Record<AuditOutcome, NonNullable<AuditEvent['outcome']>> = { success: '0', denied: '4', failure: '8' };

const REFERENCE = /^[A-Z][A-Za-z]+\/[A-Za-z0-9.-]{1,64}(\/_history\/[A-Za-z0-9.-]{1,64})?$/;

/** Instance: `Type/id`; type: a type or a compartment path (`Patient/1/Observation`); system: none. */
function shapeOf(resource: string | null): Shape {
  if (resource === null) return 'system';
  return REFERENCE.test(resource) ? 'instance' : 'type';
}

function agents(row: AuditRow): AuditEventAgent[] {
  const network = row.sourceIp !== null ? { address: row.sourceIp, type: '2' as const } : undefined;
  const out: AuditEventAgent[] = [];
  if (row.userId !== null || row.username !== null || row.fhirUser !== null) {
    out.push({
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/extra-security-role-type', code: 'humanuser', display: 'human user' }] },
      ...(row.role !== null ? { role: [{ text: row.role }] } : {}),
      who: { ...(row.fhirUser !== null ? { reference: row.fhirUser } : {}), ...(row.username !== null ? { display: row.username } : {}) },
      ...(row.userId !== null ? { altId: row.userId } : {}),
      ...(row.username !== null ? { name: row.username } : {}),
      requestor: true,
      ...(network ? { network } : {}),
    });
  }
  const app = { coding: [dcm('110150', 'Application')] };
  if (row.clientId !== null) {
    out.push({ type: app, who: { identifier: { value: row.clientId }, display: row.clientId }, requestor: out.length === 0, ...(out.length === 0 && network ? { network } : {}) });
  }
  // AuditEvent needs an agent: an event with neither user nor client was Continuum's own doing.
  if (out.length === 0) out.push({ type: app, who: { display: 'Continuum' }, requestor: true, ...(network ? { network } : {}) });
  return out;
}

const SYSTEM_OBJECT: Coding = { system: ENTITY_TYPE, code: '2', display: 'System Object' };

function entities(row: AuditRow, shape: Shape): AuditEventEntity[] {
  const out: AuditEventEntity[] = [];
  const patientIds = new Set(row.patients);
  const self = row.resource !== null && shape === 'instance' ? /^Patient\/([^/]+)/.exec(row.resource)?.[1] : undefined;
  // A patient's own record is named once, as the patient entity below.
  if (shape === 'instance' && row.resource !== null && !(self !== undefined && patientIds.has(self))) {
    out.push({ what: { reference: row.resource }, type: SYSTEM_OBJECT, role: { system: OBJECT_ROLE, code: '4', display: 'Domain Resource' } });
  }
  const description = shape === 'type' && row.resource !== null ? { description: row.resource } : {};
  if (row.action === 'search' || row.query !== null) {
    const query = row.query !== null ? { query: Buffer.from(row.query, 'utf8').toString('base64') } : {};
    out.push({ type: SYSTEM_OBJECT, role: { system: OBJECT_ROLE, code: '24', display: 'Query' }, ...description, ...query });
  } else if (shape === 'type') {
    out.push({ type: SYSTEM_OBJECT, ...description });
  }
  for (const id of patientIds) {
    out.push({ what: { reference: `Patient/${id}` }, type: { system: ENTITY_TYPE, code: '1', display: 'Person' }, role: { system: OBJECT_ROLE, code: '1', display: 'Patient' } });
  }
  return out;
}

export const OPERATION_SYSTEM = 'urn:continuum:operation';
/** An operation's name without its `$`: letters, digits and hyphens. */
const OPERATION_NAME = /^[A-Za-z][A-Za-z0-9-]{0,63}$/;

/**
 * The detail of a FHIR request's entry: `GET 200`, or for an operation `GET $everything 200`
 * (`segment`: the URL's last segment). The one writer of the form `operationIn` reads back.
 */
export function requestDetail(method: string, status: number, segment?: string): string {
  return segment?.startsWith('$') && OPERATION_NAME.test(segment.slice(1)) ? `${method} ${segment} ${status}` : `${method} ${status}`;
}

/** The operation a detail written by `requestDetail` names, without its `$`. */
function operationIn(detail: string): string | undefined {
  const [method, op, status, ...rest] = detail.split(' ');
  return method && status && rest.length === 0 && op?.startsWith('$') && OPERATION_NAME.test(op.slice(1)) ? op.slice(1) : undefined;
}

function subtypes(row: AuditRow, kind: EventKind, shape: Shape): Coding[] {
  const out = kind.subtype ? [kind.subtype(shape)] : [];
  const op = (row.action === 'operation' || row.action === 'export') && row.detail !== null ? operationIn(row.detail) : undefined;
  if (op !== undefined) out.push({ system: OPERATION_SYSTEM, code: op, display: `$${op}` });
  return out;
}

export function toAuditEvent(row: AuditRow): AuditEvent {
  const kind = KINDS[row.action];
  const shape = shapeOf(row.resource);
  const entity = entities(row, shape);
  const subtype = subtypes(row, kind, shape);
  return {
    resourceType: 'AuditEvent',
    id: row.seq,
    meta: { versionId: '1', lastUpdated: row.recorded },
    type: kind.type,
    ...(subtype.length > 0 ? { subtype } : {}),
    action: kind.action,
    recorded: row.recorded,
    outcome: OUTCOMES[row.outcome],
    ...(row.detail !== null ? { outcomeDesc: row.detail } : {}),
    ...(row.action === 'break-glass'
      ? { purposeOfEvent: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'BTG', display: 'break the glass' }] }] }
      : {}),
    agent: agents(row),
    source: {
      site: row.tenantId,
      observer: { display: 'Continuum' },
      type: [{ system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '4', display: 'Application Server' }],
    },
    ...(entity.length > 0 ? { entity } : {}),
  };
}
