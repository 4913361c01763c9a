/**
 * What the HTTP and auth layers hand to the audit trail: one entry per security-relevant event.
 * The trail (audit/) makes each durable before the response that caused it goes out.
 */
import type { Principal } from '../access/policy.ts';

export type AuditAction =
  | 'login'
  | 'logout'
  | 'login-failed'
  | 'read'
  | 'vread'
  | 'search'
  | 'history'
  | 'create'
  | 'update'
  | 'patch'
  | 'delete'
  | 'transaction'
  | 'operation'
  | 'export'
  | 'break-glass'
  | 'permission-change'
  | 'token'
  | 'revoke';

export interface AuditRecord {
  tenant: string;
  action: AuditAction;
  outcome: 'success' | 'failure' | 'denied';
  priority?: 'normal' | 'high';
  userId?: string;
  username?: string;
  role?: string;
  clientId?: string;
  patients?: string[];
  resource?: string;
  query?: string;
  sourceIp?: string;
  detail?: string;
}

export interface AuditSink {
  record(entry: AuditRecord): Promise<void>;
}

/** Who did it, as an audit entry names them: the principal's tenant, user, roles and client. */
export function auditActor(p: Principal): Pick<AuditRecord, 'tenant' | 'userId' | 'username' | 'role' | 'clientId'> {
  return {
    tenant: p.tenant,
    ...(p.userId ? { userId: p.userId } : {}),
    ...(p.username ? { username: p.username } : {}),
    role: p.partner ? 'partner' : p.roles.length ? p.roles.join(',') : p.kind,
    clientId: p.clientId,
  };
}
