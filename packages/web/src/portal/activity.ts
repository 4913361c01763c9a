/**
 * The activity log in words: who opened or changed a patient's record, in what role, what they
 * did to which kind of record, and when, from the server's AuditEvents (audit/audit-event.ts on
 * the server: the requesting agent is the user, the entities the resource and the patient).
 * Pure: no I/O.
 */
import type { AuditEvent } from '@medplum/fhirtypes';

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
  operation: 'Ran an operation on',
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

export function activityRow(e: AuditEvent): ActivityRow {
  const user = e.agent.find((a) => a.requestor) ?? e.agent[0];
  const roleCode = user?.role?.[0]?.text ?? user?.role?.[0]?.coding?.[0]?.code;
  const firstRole = roleCode?.split(',')[0];
  const sub = e.subtype?.[0];
  const verb = (sub?.code && VERBS[sub.code]) ?? sub?.display ?? (e.action === 'R' ? 'Viewed' : e.action === 'C' ? 'Added' : e.action === 'U' ? 'Changed' : e.action === 'D' ? 'Deleted' : 'Used');
  const isLogin = sub?.code === '110122' || sub?.code === '110123';
  return {
    id: e.id ?? `${e.recorded}-${user?.who?.display ?? ''}`,
    when: e.recorded,
    who: user?.who?.display ?? user?.name ?? 'Continuum',
    role: firstRole ? (ROLES[firstRole] ?? firstRole) : user?.type?.coding?.[0]?.code === '110150' ? 'App' : '',
    what: isLogin ? (sub?.display ?? 'Signed in') : `${verb} ${kindOf(resourceType(e))}`,
    ...(e.outcome === '4' ? { problem: 'refused' as const } : e.outcome !== undefined && e.outcome !== '0' ? { problem: 'failed' as const } : {}),
  };
}
