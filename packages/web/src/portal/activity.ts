/**
 * The activity log in words: who opened or changed a patient's record, in what role, what they
 * did to which kind of record, and when, from the server's AuditEvents (audit/audit-event.ts on
 * the server: the requesting agent is the user, the entities the resource and the patient; an
 * operation names itself as a second subtype). Staff are named by their Practitioner's name when
 * the page has it, the signed-in user as "You". Pure: no I/O.
 */
import type { AuditEvent } from '@medplum/fhirtypes';
import { operationOf } from '../fhir/audit-events.ts';

export interface ActivityRow {
  id: string;
  when: string;
  who: string;
  role: string;
  what: string;
  /** Set when the request did not succeed: refused (no access) or failed (e.g. not found). */
  problem?: 'refused' | 'failed';
}

const VERBS: Record<string, string> = {
  read: 'Viewed',
  vread: 'Viewed',
  'history-instance': 'Viewed the history of',
  'history-type': 'Viewed the history of',
  'search-type': 'Searched',
  'search-system': 'Searched',
  create: 'Added',
  update: 'Changed',
  patch: 'Changed',
  delete: 'Deleted',
  operation: 'Worked with',
  transaction: 'Saved',
  batch: 'Saved',
};

/** Resource types as patients say them. */
const KINDS: Record<string, string> = {
  Patient: 'personal details',
  Observation: 'results and measurements',
  DiagnosticReport: 'lab reports',
  Condition: 'health problems',
  MedicationRequest: 'medications',
  MedicationStatement: 'medications',
  AllergyIntolerance: 'allergies',
  Immunization: 'immunizations',
  Encounter: 'visits',
  DocumentReference: 'documents and notes',
  Appointment: 'appointments',
  Communication: 'messages',
  Procedure: 'procedures',
  CarePlan: 'care plans',
  ServiceRequest: 'orders',
  Invoice: 'bills',
  Account: 'billing account',
  AuditEvent: 'activity log',
  RelatedPerson: 'family access',
  Task: 'requests',
  QuestionnaireResponse: 'forms',
  Flag: 'alerts on the record',
  CareTeam: 'care team',
};

const ROLES: Record<string, string> = {
  patient: 'Patient',
  proxy: 'Family member or caregiver',
  physician: 'Doctor',
  nurse: 'Nurse',
  'front-desk': 'Front desk',
  biller: 'Billing',
  admin: 'Administrator',
  auditor: 'Privacy officer',
};

/**
 * What an operation did, as a patient would say it: the server names the operation as a second
 * subtype (`urn:continuum:operation`). An operation not listed reads as "Worked with <record>".
 */
const OPERATIONS: Record<string, string> = {
  everything: 'Opened the whole record',
  summary: 'Made a summary of the record',
  'summary-pdf': 'Made a summary of the record (PDF)',
  share: 'Shared the record',
  shares: 'Viewed share links',
  'share-revoke': 'Stopped a share link',
  statement: 'Viewed a billing statement',
  pay: 'Made a payment',
  'request-refill': 'Asked for a refill',
  'portal-invite': 'Invited to the patient portal',
  'grant-proxy': 'Gave family access',
  'revoke-proxy': 'Removed family access',
  merge: 'Merged duplicate records',
  unmerge: 'Undid a merge of records',
  duplicates: 'Checked for duplicate records',
  match: 'Looked for matching records',
  'external-record': 'Looked up records held by other organizations',
  'import-external': 'Added records from another organization',
  'exchange-consent': 'Changed sharing with other organizations',
  'send-to-partner': 'Sent records to another organization',
  refer: 'Sent a referral',
  'resend-referral': 'Sent a referral again',
  'referral-respond': 'Answered a referral',
  message: 'Sent a message',
  'mark-read': 'Read messages',
  export: 'Exported records',
};

function kindOf(type: string | undefined): string {
  if (!type) return 'record';
  return KINDS[type] ?? type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** The resource type the event was about: its instance entity, else the searched type. */
function resourceType(e: AuditEvent): string | undefined {
  for (const entity of e.entity ?? []) {
    const ref = entity.what?.reference;
    if (ref && !(entity.role?.code === '1')) return ref.split('/')[0];
    if (entity.description) return entity.description.split('/').pop();
  }
  // The patient's own record is named only as the patient entity.
  return e.entity?.some((x) => x.role?.code === '1') ? 'Patient' : undefined;
}

/** Decision support (CDS Hooks) that ran on the record: the entity names the service or hook. */
function isDecisionSupport(e: AuditEvent): boolean {
  return (e.entity ?? []).some((x) => /^cds-(services|client)\//.test(x.description ?? ''));
}

/**
 * The row for one AuditEvent. `names` gives display names for the agents' references
 * (`Practitioner/1` → "Dr. Ana Ruiz, MD"); an agent not in it shows its username. `you` is the
 * signed-in user's reference, shown as "You".
 */
export function activityRow(e: AuditEvent, names: ReadonlyMap<string, string> = new Map(), you?: string): ActivityRow {
  const user = e.agent.find((a) => a.requestor) ?? e.agent[0];
  const ref = user?.who?.reference;
  const roleCode = user?.role?.[0]?.text ?? user?.role?.[0]?.coding?.[0]?.code;
  const firstRole = roleCode?.split(',')[0];
  const sub = e.subtype?.[0];
  const verb = (sub?.code && VERBS[sub.code]) ?? sub?.display ?? (e.action === 'R' ? 'Viewed' : e.action === 'C' ? 'Added' : e.action === 'U' ? 'Changed' : e.action === 'D' ? 'Deleted' : 'Used');
  const isLogin = sub?.code === '110122' || sub?.code === '110123';
  const operation = operationOf(e);
  let what = isLogin ? (sub?.display ?? 'Signed in') : `${verb} ${kindOf(resourceType(e))}`;
  if (sub?.code === 'operation' && isDecisionSupport(e)) what = 'Checked the record for care reminders and alerts';
  else if (operation !== undefined && OPERATIONS[operation]) what = OPERATIONS[operation];
  return {
    id: e.id ?? `${e.recorded}-${user?.who?.display ?? ''}`,
    when: e.recorded,
    who: ref !== undefined && ref === you ? 'You' : ((ref !== undefined ? names.get(ref) : undefined) ?? user?.who?.display ?? user?.name ?? 'Continuum'),
    role: firstRole ? (ROLES[firstRole] ?? firstRole) : user?.type?.coding?.[0]?.code === '110150' ? 'App' : '',
    what,
    ...(e.outcome === '4' ? { problem: 'refused' as const } : e.outcome !== undefined && e.outcome !== '0' ? { problem: 'failed' as const } : {}),
  };
}
