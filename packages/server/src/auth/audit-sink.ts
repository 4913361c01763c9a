/**
 * What the HTTP and auth layers hand to the audit trail: one entry per security-relevant event.
 * The trail (audit/) makes each durable before the response that caused it goes out.
 */
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
