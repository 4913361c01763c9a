/**
 * `POST /fhir/Organization/{id}/$disable-partner` (administrators and system clients): the
 * partner's Endpoint set off and the client it authenticates as here disabled (partner-admin.ts).
 * Answers the Endpoint. An Organization outside the directory is a 404.
 */
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import { OperationInputs } from '../../portal/operation-inputs.ts';
import { disablePartner } from './partner-admin.ts';

export async function disablePartnerOperation(ctx: ApiContext, req: FhirRequest, organizationId: string): Promise<FhirResponse> {
  OperationInputs.read(req, '$disable-partner', []);
  const { endpoint } = await disablePartner(ctx.repo, organizationId);
  return { status: 200, headers: {}, body: endpoint };
}
