/**
 * Who a patient may write to: a Practitioner on the patient's care team (their PCP, or a member
 * of one of their CareTeams), or a practitioner of the clinic (linked to an active staff
 * account of this tenant). A portal message to anyone else would go unread, or to a stranger.
 */
import type { Patient, Practitioner } from '@medplum/fhirtypes';
import { unprocessable } from '@continuum/fhir';
import type { ApiContext } from '../../api/types.ts';

/** The first Practitioner among the patient's general practitioners, if any. */
export function primaryCare(patient: Patient): string | undefined {
  return patient.generalPractitioner?.map((g) => g.reference).find((r): r is string => typeof r === 'string' && r.startsWith('Practitioner/'));
}

async function onCareTeam(ctx: ApiContext, patientId: string, practitioner: string): Promise<boolean> {
  const req = ctx.repo.parseCriteria('CareTeam', `patient=Patient/${patientId}&participant=${practitioner}&status:not=entered-in-error`);
  return (await ctx.repo.search(req, { count: 1 })).matches.length > 0;
}

async function hasStaffAccount(ctx: ApiContext, practitioner: string): Promise<boolean> {
  const { rows } = await ctx.repo.queryable.query(
    `SELECT 1 FROM user_account WHERE tenant_id = $1 AND kind = 'staff' AND NOT disabled AND fhir_user = $2 LIMIT 1`,
    [ctx.repo.tenantId, practitioner],
  );
  return rows.length > 0;
}

/** The Practitioner `id` when the patient may write to them; else a 422 that says who may be chosen. */
export async function checkRecipient(ctx: ApiContext, patient: Patient, id: string, operation: string): Promise<Practitioner> {
  const key = `Practitioner/${id}`;
  const refuse = () => unprocessable(`${operation}: messages go to the patient's care team or a practitioner of this clinic; ${key} is neither`);
  const practitioner = (await ctx.repo.read('Practitioner', id).catch(() => {
    throw refuse();
  })) as Practitioner;
  if (practitioner.active === false) throw refuse();
  const allowed = patient.generalPractitioner?.some((g) => g.reference === key) || (await onCareTeam(ctx, patient.id!, key)) || (await hasStaffAccount(ctx, key));
  if (!allowed) throw refuse();
  return practitioner;
}
