/**
 * `POST /fhir/Organization/$add-partner` Parameters {name, fhirBase, partnerClientId,
 * ourClientId, jwksUri?} (administrators and system clients): adds a partner deployment to this
 * tenant's directory (partner-admin.ts) and answers 201 Parameters {organization, endpoint,
 * ourFhirBase, ourJwksUri, ourClientId}: what to send the partner so that it adds this one.
 * URLs may be given as valueString, valueUrl or valueUri. A partner already listed (same FHIR
 * base) is a 409.
 */
import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import { OperationInputs } from '../../portal/operation-inputs.ts';
import { addPartner } from './partner-admin.ts';
import { JWKS_PATH } from './jwks-route.ts';

const OP = '$add-partner';

/** The request with valueUrl / valueUri inputs read as strings (OperationInputs reads strings). */
export function urlsAsStrings(req: FhirRequest): FhirRequest {
  const body = req.body as Parameters | undefined;
  if (req.method !== 'POST' || body?.resourceType !== 'Parameters' || !Array.isArray(body.parameter)) return req;
  const parameter = body.parameter.map((p: ParametersParameter) => {
    const url = p?.valueUrl ?? p?.valueUri;
    if (typeof url !== 'string' || p.valueString !== undefined) return p;
    const { valueUrl: _u, valueUri: _i, ...rest } = p;
    return { ...rest, valueString: url };
  });
  return { ...req, body: { ...body, parameter } };
}

export async function addPartnerOperation(ctx: ApiContext, req: FhirRequest): Promise<FhirResponse> {
  const inputs = OperationInputs.read(urlsAsStrings(req), OP, ['name', 'fhirBase', 'partnerClientId', 'ourClientId', 'jwksUri']);
  const jwksUri = inputs.string('jwksUri');
  const added = await addPartner(ctx.repo, {
    name: inputs.requiredString('name'),
    fhirBase: inputs.requiredString('fhirBase'),
    partnerClientId: inputs.requiredString('partnerClientId'),
    ourClientId: inputs.requiredString('ourClientId'),
    ...(jwksUri ? { jwksUri } : {}),
  });
  const origin = new URL(ctx.baseUrl).origin;
  const body: Parameters = {
    resourceType: 'Parameters',
    parameter: [
      { name: 'organization', valueReference: { reference: `Organization/${added.organization.id}`, display: added.partner.name } },
      { name: 'endpoint', valueReference: { reference: `Endpoint/${added.endpoint.id}` } },
      { name: 'ourFhirBase', valueUrl: ctx.baseUrl.replace(/\/+$/, '') },
      { name: 'ourJwksUri', valueUrl: `${origin}${JWKS_PATH}` },
      { name: 'ourClientId', valueString: added.partner.outboundClientId },
    ],
  };
  return { status: 201, headers: { location: `${ctx.baseUrl}/Organization/${added.organization.id}` }, body };
}
