/**
 * `POST /fhir/Organization/{id}/$check-partner` (administrators and system clients): can this
 * deployment reach the partner, and does the partner give it a token? Answers Parameters
 * {reachable, tokenOk, detail}. `reachable`: the partner's CapabilityStatement answers;
 * `tokenOk`: the partner issued a token for our client (outbound client) and accepts it, which
 * proves it registered us with our published keys. Nothing about patients is asked.
 */
import type { Parameters } from '@medplum/fhirtypes';
import { notFound } from '@continuum/fhir';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import { OperationInputs } from '../../portal/operation-inputs.ts';
import type { Partner } from '../types.ts';
import { RepositoryPartnerDirectory } from './directory.ts';

async function reachable(partner: Partner): Promise<{ ok: boolean; detail: string }> {
  try {
    const res = await fetch(`${partner.fhirBase}/metadata`, { headers: { accept: 'application/fhir+json' }, signal: AbortSignal.timeout(15_000) });
    await res.body?.cancel();
    return res.ok ? { ok: true, detail: 'the FHIR endpoint answers' } : { ok: false, detail: `the FHIR endpoint answered HTTP ${res.status}` };
  } catch (err) {
    const e = err as Error;
    return { ok: false, detail: `${partner.fhirBase} is unreachable (${e.name === 'TimeoutError' ? 'no answer within 15 s' : e.cause instanceof Error ? e.cause.message : e.message})` };
  }
}

export async function checkPartnerOperation(ctx: ApiContext, req: FhirRequest, organizationId: string): Promise<FhirResponse> {
  OperationInputs.read(req, '$check-partner', []);
  const partner = await new RepositoryPartnerDirectory(ctx.repo).get(organizationId);
  if (!partner) throw notFound(`Organization/${organizationId} is not in the partner directory`);
  const reach = await reachable(partner);
  let tokenOk = false;
  let tokenDetail: string;
  if (!partner.active) tokenDetail = 'the partner is disabled here';
  else if (!ctx.exchange) tokenDetail = 'exchange is not available on this server';
  else {
    try {
      // A request that needs a token: the partner refuses it to us (403: we may call only its
      // exchange operations), or answers 401 when it no longer knows our token, in which case
      // the client asks a new one, and a refusal of that throws.
      const res = await ctx.exchange.client.call(partner, { method: 'GET', path: '/Organization?_count=0' });
      tokenOk = res.status !== 401;
      tokenDetail = tokenOk ? 'the partner accepts our token' : 'the partner does not accept our token';
    } catch (err) {
      tokenDetail = (err as Error).message;
    }
  }
  const body: Parameters = {
    resourceType: 'Parameters',
    parameter: [
      { name: 'reachable', valueBoolean: reach.ok },
      { name: 'tokenOk', valueBoolean: tokenOk },
      { name: 'detail', valueString: `${reach.detail}; ${tokenDetail}` },
    ],
  };
  return { status: 200, headers: {}, body };
}
