/**
 * The audit entry for one FHIR request: who (user, role, client), what (action, resource, query),
 * which patients (named by the request or present in the answer), the outcome, and from where.
 * The patients of an answer are found in its JSON: Patient resources' ids and every reference to
 * a Patient, so a search entry lists the patients whose data it returned.
 */
import type { Principal } from '../access/policy.ts';
import { requestDetail } from '../audit/audit-event.ts';
import type { AuditAction, AuditRecord } from '../auth/audit-sink.ts';
import type { FhirRequest, FhirResponse } from '../api/types.ts';

const PATIENT_REF = /"reference":"(?:[^"]*\/)?Patient\/([A-Za-z0-9.-]{1,64})(?:\/_history\/[^"]*)?"/g;
const PATIENT_RESOURCE = /"resourceType":"Patient","id":"([A-Za-z0-9.-]{1,64})"/g;
const MAX_PATIENTS = 1000;

export function patientsIn(json: string, into = new Set<string>()): Set<string> {
  for (const re of [PATIENT_REF, PATIENT_RESOURCE]) {
    re.lastIndex = 0;
    for (let m = re.exec(json); m !== null && into.size < MAX_PATIENTS; m = re.exec(json)) into.add(m[1]!);
  }
  return into;
}

/** `operation`: the URL's last segment when it names an operation (`$everything`). */
export function actionOf(req: FhirRequest): { action: AuditAction; resource?: string; operation?: string } {
  const segs = req.path.split('/').filter(Boolean);
  const m = req.method === 'HEAD' ? 'GET' : req.method;
  const last = segs[segs.length - 1] ?? '';
  if (segs.length === 0) return { action: m === 'POST' ? 'transaction' : 'read' };
  if (last.startsWith('$')) return { action: last === '$export' ? 'export' : 'operation', resource: segs.slice(0, -1).join('/') || last, operation: last };
  if (segs.includes('_history')) {
    const at = segs.indexOf('_history');
    return { action: segs.length === at + 2 ? 'vread' : 'history', resource: segs.slice(0, at).join('/') || '*' };
  }
  if (last === '_search') return { action: 'search', resource: segs.slice(0, -1).join('/') };
  if (segs.length === 1) {
    if (m === 'GET') return { action: 'search', resource: segs[0]! };
    if (m === 'POST') return { action: 'create', resource: segs[0]! };
    if (m === 'PUT') return { action: 'update', resource: segs[0]! };
    if (m === 'DELETE') return { action: 'delete', resource: segs[0]! };
  }
  if (segs.length === 3) return { action: 'search', resource: segs.join('/') };
  const resource = segs.slice(0, 2).join('/');
  if (m === 'GET') return { action: 'read', resource };
  if (m === 'PUT') return { action: 'update', resource };
  if (m === 'PATCH') return { action: 'patch', resource };
  if (m === 'DELETE') return { action: 'delete', resource };
  return { action: 'operation', resource };
}

export function auditFhir(p: Principal, req: FhirRequest, status: number, body: FhirResponse['body'], ip: string): AuditRecord {
  const { action, resource, operation } = actionOf(req);
  const patients = new Set<string>();
  // The patient a request names: Patient/x, Patient/x/Observation, Patient/x/$everything.
  const segs = req.path.split('/').filter(Boolean);
  if (segs[0] === 'Patient' && segs[1] && !segs[1].startsWith('_') && !segs[1].startsWith('$')) patients.add(segs[1]);
  if (status < 300 && body !== undefined) patientsIn(typeof body === 'string' ? body : JSON.stringify(body), patients);
  const query = req.query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  return {
    tenant: p.tenant,
    action,
    outcome: status < 400 ? 'success' : status === 401 || status === 403 ? 'denied' : 'failure',
    ...(p.userId ? { userId: p.userId } : {}),
    ...(p.username ? { username: p.username } : {}),
    ...(p.fhirUser ? { fhirUser: p.fhirUser } : {}),
    ...(p.roles.length ? { role: p.roles.join(',') } : { role: p.kind }),
    clientId: p.clientId,
    patients: [...patients],
    ...(resource ? { resource } : {}),
    ...(query ? { query } : {}),
    sourceIp: ip,
    // With the operation that ran ($everything, ...), which the AuditEvent then names.
    detail: requestDetail(req.method, status, operation),
  };
}
