/**
 * Who may have a patient's summary, and what it may hold. A caller may when the patient is
 * visible to them (a patient: themselves; a proxy: those they act for; staff: by role) and their
 * access reaches clinical documents (front desk, billers and auditors do not); a patient the
 * caller may not see is a 404, so that its existence does not leak. What the summary then holds
 * is what the caller could read one resource at a time (policy.ts's `visible`, sensitivity labels
 * included). The same check guards listing share links, and with write access, making and
 * revoking them.
 */
import type { Resource } from '@medplum/fhirtypes';
import { forbidden } from '@continuum/fhir';
import { permits, visible } from '../../access/policy.ts';
import { accessInfo, instanceChecks, unrestricted } from '../../api/guard.ts';
import type { ApiContext } from '../../api/types.ts';
import type { CanSee } from './record-reader.ts';

/**
 * The reading rule for the caller's summary of `patientId`; throws 403 or 404 when there is none.
 * `disclose`: the caller is making or revoking a share link, which gives the record to someone
 * else, so a read-only token (a third-party app's `patient/*.rs`) is not enough: it needs the
 * create access the portal's own token has.
 */
export async function summaryReader(ctx: ApiContext, patientId: string, opts: { disclose?: boolean } = {}): Promise<CanSee> {
  const p = ctx.principal;
  if (!p || unrestricted(p)) return () => true;
  if (!permits(p, 'read', 'Composition') || !permits(p, 'read', 'Patient')) {
    throw forbidden("Your access does not include patients' health summaries");
  }
  if (opts.disclose && !permits(p, 'create', 'Composition')) {
    throw forbidden('Making or revoking share links needs write access to the record, not only read access');
  }
  await instanceChecks(ctx, p, { interaction: 'operation', type: 'Patient', target: { type: 'Patient', id: patientId } }, 'operation', undefined);
  const now = new Date();
  return (r: Resource) => visible(p, r, accessInfo(ctx, r), 'read', now);
}
