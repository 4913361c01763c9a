/**
 * `POST /fhir/Patient/{id}/$revoke-proxy` Parameters `relatedPerson`: an adult patient withdraws
 * a proxy's access. A new version of the RelatedPerson, inactive and ended now (its history
 * kept), its open invitation voided, and after the commit every node's bearer cache told
 * (`forgetProxiesOf`), so the proxy's next request no longer reaches this patient. Revoking what
 * is already withdrawn or ended writes nothing. Who may call: see proxy-access.ts.
 */
import type { Parameters, RelatedPerson } from '@medplum/fhirtypes';
import { badRequest, notFound } from '@continuum/fhir';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import { inForce } from '../../auth/proxy-patients.ts';
import { InvitationService } from '../../identity/invitations.ts';
import { OperationInputs } from '../operation-inputs.ts';
import { displayName, ownRecord } from './proxy-access.ts';

const OP = '$revoke-proxy';

export async function revokeProxyOperation(ctx: ApiContext, req: FhirRequest, patientId: string): Promise<FhirResponse> {
  await ownRecord(ctx, patientId, OP, true);
  const inputs = OperationInputs.read(req, OP, ['relatedPerson']);
  const target = inputs.reference('relatedPerson', ['RelatedPerson']);
  if (!target) throw badRequest(`${OP}: 'relatedPerson' is required`);
  const now = new Date();
  const revoked = await ctx.repo.inTransaction(async (repo) => {
    const rp = (await repo.read('RelatedPerson', target.id).catch(() => undefined)) as RelatedPerson | undefined;
    if (!rp || rp.patient.reference !== `Patient/${patientId}`) throw notFound(`RelatedPerson/${target.id} is not known`);
    await new InvitationService(repo.queryable).voidOpen(repo.tenantId, `RelatedPerson/${target.id}`);
    if (!inForce(rp, now)) return rp; // Already withdrawn or ended: nothing more to change.
    const ended: RelatedPerson = { ...rp, active: false, period: { ...rp.period, end: now.toISOString() } };
    return (await repo.update('RelatedPerson', target.id, ended)).resource as RelatedPerson;
  });
  // After the commit, so a proxy's next lookup sees the withdrawn access.
  ctx.forgetProxiesOf?.(ctx.repo.tenantId, patientId);
  const body: Parameters = {
    resourceType: 'Parameters',
    parameter: [
      { name: 'relatedPerson', valueReference: { reference: `RelatedPerson/${target.id}`, display: displayName(revoked) } },
      { name: 'status', valueCode: 'revoked' },
      ...(revoked.period?.end ? [{ name: 'until', valueDateTime: revoked.period.end }] : []),
    ],
  };
  return { status: 200, headers: {}, body };
}
