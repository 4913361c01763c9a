/**
 * `POST /fhir/Patient/:id/$follow-partner` (physician, nurse, admin): asks a partner to notify
 * this deployment of a patient's new results, admissions or discharges there. Parameters: partner
 * (Reference Organization), remotePatient (valueString: the patient's id at the partner), topic
 * (valueCanonical, repeatable; default every topic). Calls the partner's `$partner-subscribe`
 * with our `/exchange/notify` as the endpoint, once per topic, and remembers each Subscription
 * it got so that its notifications land on this patient (notify-endpoint.ts). Answers Parameters
 * with one `result` per topic {topic, subscribed (valueBoolean), subscription (valueString),
 * detail}; a partner that refuses or cannot be reached gives subscribed false, not an error.
 */
import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { badRequest, forbidden, notFound } from '@continuum/fhir';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import { OperationInputs } from '../../portal/operation-inputs.ts';
import { TOPICS } from '../codes.ts';
import { TOPIC_RESOURCES } from './backport.ts';
import { saveFollow } from './outbox.ts';
import { rawValues } from './inputs.ts';

const OP = '$follow-partner';
const ROLES = ['physician', 'nurse', 'admin'];

export async function followPartner(ctx: ApiContext, req: FhirRequest, patientId: string): Promise<FhirResponse> {
  const p = ctx.principal;
  if (p && !(p.kind === 'system' || (p.kind === 'staff' && p.roles.some((r) => ROLES.includes(r))))) throw forbidden(`${OP} is for physicians, nurses and administrators`);
  if (!ctx.exchange) throw forbidden('Exchange with partners is not available on this server');
  const inputs = OperationInputs.read(req, OP, ['partner', 'remotePatient', 'topic']);
  const partnerId = inputs.requiredReference('partner', 'Organization');
  const remotePatient = inputs.requiredString('remotePatient').replace(/^Patient\//, '');
  const topics = rawValues(req, 'topic', ['valueCanonical', 'valueUri', 'valueString']);
  for (const t of topics) if (!TOPIC_RESOURCES[t]) throw badRequest(`${OP}: unknown topic '${t}'`);
  await ctx.repo.read('Patient', patientId);
  const partner = await ctx.exchange.partners(ctx.repo).get(partnerId);
  if (!partner?.active) throw notFound(`Organization/${partnerId} is not an active partner`);
  const endpoint = `${ctx.exchange.origin.replace(/\/+$/, '')}/exchange/notify`;
  const results: ParametersParameter[] = [];
  for (const topic of topics.length > 0 ? topics : Object.values(TOPICS)) {
    const part = (subscribed: boolean, detail: string, subscription?: string): ParametersParameter => ({
      name: 'result',
      part: [
        { name: 'topic', valueCanonical: topic },
        { name: 'subscribed', valueBoolean: subscribed },
        ...(subscription ? [{ name: 'subscription', valueString: subscription }] : []),
        { name: 'detail', valueString: detail },
      ],
    });
    try {
      const res = await ctx.exchange.client.call(partner, {
        method: 'POST',
        path: '/Subscription/$partner-subscribe',
        purposeOfUse: 'TREAT',
        ...(p?.fhirUser ? { onBehalfOf: { fhirUser: p.fhirUser, ...(p.username ? { display: p.username } : {}) } } : {}),
        body: {
          resourceType: 'Parameters',
          parameter: [
            { name: 'topic', valueCanonical: topic },
            { name: 'patient', valueString: remotePatient },
            { name: 'endpoint', valueUrl: endpoint },
          ],
        },
      });
      const id = (res.body as Parameters | undefined)?.parameter?.find((x) => x.name === 'subscription')?.valueString;
      if (res.status >= 300 || !id) {
        results.push(part(false, `the partner answered ${res.status}${outcomeText(res.body)}`));
        continue;
      }
      const remoteSubscription = `${partner.fhirBase.replace(/\/+$/, '')}/Subscription/${id}`;
      await saveFollow(ctx.repo.queryable, { remoteSubscription, tenantId: ctx.repo.tenantId, partnerOrg: partner.organizationId, patientId, topic });
      results.push(part(true, 'subscribed', remoteSubscription));
    } catch (err) {
      results.push(part(false, `the partner could not be reached: ${err instanceof Error ? err.message : String(err)}`));
    }
  }
  const out: Parameters = { resourceType: 'Parameters', parameter: results };
  return { status: 200, headers: {}, body: out };
}

function outcomeText(body: unknown): string {
  const o = body as { resourceType?: string; issue?: { diagnostics?: string }[] } | undefined;
  const text = o?.resourceType === 'OperationOutcome' ? o.issue?.[0]?.diagnostics : undefined;
  return text ? `: ${text}` : '';
}
