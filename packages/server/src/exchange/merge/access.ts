/**
 * Who may list duplicates, merge and unmerge: administrators and front-desk staff (who register
 * patients and so make and find duplicates), and unrestricted system clients. Clinicians may
 * not: a merge rewrites the whole record and is a records-management decision. The routes pass
 * the guard as a read of Patient; this is the narrower check the handlers add.
 */
import { forbidden } from '@continuum/fhir';
import { unrestricted } from '../../api/guard.ts';
import type { ApiContext } from '../../api/types.ts';

export function requireRecordsStaff(ctx: ApiContext, what: string): string {
  const p = ctx.principal;
  if (!p) return 'anonymous';
  if (unrestricted(p) || (p.kind === 'staff' && p.roles.some((r) => r === 'admin' || r === 'front-desk'))) return p.username ?? p.clientId;
  throw forbidden(`Only administrators and front-desk staff may ${what}`);
}
