/**
 * The receiving side's calls to a partner, kept thin: find the partner in the tenant's directory,
 * send one request through `ExchangeServices.client`, and turn what comes back into resources or
 * an OperationOutcome error. Everything the operations do with the answers is elsewhere, so that
 * it can be tested without a partner.
 *
 * What this expects from ExchangeServices (exchange/partners implements it):
 * - `partners(repo).get(orgId)` → the Partner (active flag, fhirBase, name) or undefined;
 *   `partners(repo).list()` → every partner;
 * - `client.call(partner, {method, path, body, purposeOfUse, onBehalfOf})` with `path` below the
 *   partner's FHIR base; HTTP errors come back as `{status, body}`, network and token failures
 *   throw ExchangeError.
 */
import type { Bundle, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { badRequest, forbidden, issue, outcome, OutcomeError, transient } from '@continuum/fhir';
import type { Principal } from '../../access/policy.ts';
import type { ApiContext } from '../../api/types.ts';
import type { Partner, PurposeOfUse } from '../types.ts';

/** Pages of a partner's `$everything` read at most (at the partner's page size). */
const MAX_PAGES = 20;

const badGateway = (text: string): OutcomeError => new OutcomeError(502, outcome(issue('error', 'transient', text)));

export function servicesOf(ctx: ApiContext): NonNullable<ApiContext['exchange']> {
  if (!ctx.exchange) throw transient('Exchange with other organizations is not available on this server');
  return ctx.exchange;
}

export async function activePartner(ctx: ApiContext, organizationId: string): Promise<Partner> {
  const partner = await servicesOf(ctx).partners(ctx.repo).get(organizationId);
  if (!partner) throw badRequest(`Organization/${organizationId} is not a partner organization`);
  if (!partner.active) throw badRequest(`The partnership with Organization/${organizationId} is switched off`);
  return partner;
}

const onBehalf = (p: Principal | undefined): { fhirUser?: string; display?: string } => ({ ...(p?.fhirUser ? { fhirUser: p.fhirUser } : {}), ...(p?.username ? { display: p.username } : {}) });

const reasonOf = (body: unknown): string => {
  const o = body as OperationOutcome | undefined;
  return o?.resourceType === 'OperationOutcome' ? (o.issue ?? []).map((i) => i.details?.text ?? i.diagnostics ?? i.code).join('; ') : '';
};

/** One call; a partner error status becomes the same refusal here (403) or a 502. */
async function call(ctx: ApiContext, partner: Partner, method: 'GET' | 'POST', path: string, purpose: PurposeOfUse, body?: unknown): Promise<unknown> {
  let res;
  try {
    res = await servicesOf(ctx).client.call(partner, { method, path, ...(body !== undefined ? { body } : {}), purposeOfUse: purpose, onBehalfOf: onBehalf(ctx.principal) });
  } catch (err) {
    throw badGateway(`${partner.name} could not be reached: ${(err as Error).message}`);
  }
  if (res.status === 403) throw forbidden(`${partner.name} refused: ${reasonOf(res.body) || 'no reason given'}`);
  if (res.status >= 300) throw badGateway(`${partner.name} answered ${res.status}${reasonOf(res.body) ? `: ${reasonOf(res.body)}` : ''}`);
  return res.body;
}

/** The partner's `Patient/$match` answer for `query`. */
export async function matchAt(ctx: ApiContext, partner: Partner, query: Resource, purpose: PurposeOfUse, count = 5): Promise<Bundle> {
  const body = await call(ctx, partner, 'POST', '/Patient/$match', purpose, {
    resourceType: 'Parameters',
    parameter: [{ name: 'resource', resource: query }, { name: 'count', valueInteger: count }, { name: 'onlyCertainMatches', valueBoolean: false }],
  });
  if ((body as Bundle | undefined)?.resourceType !== 'Bundle') throw badGateway(`${partner.name} answered $match without a Bundle`);
  return body as Bundle;
}

/** Every resource of the partner's `$everything` for its patient `remoteId`, with its URL there. */
export async function recordAt(ctx: ApiContext, partner: Partner, remoteId: string, purpose: PurposeOfUse): Promise<{ url: string; resource: Resource }[]> {
  const out: { url: string; resource: Resource }[] = [];
  let path: string | undefined = `/Patient/${encodeURIComponent(remoteId)}/$everything?_count=200`;
  for (let page = 0; path !== undefined && page < MAX_PAGES; page++) {
    const bundle = (await call(ctx, partner, 'GET', path, purpose)) as Bundle | undefined;
    if (bundle?.resourceType !== 'Bundle') throw badGateway(`${partner.name} answered $everything without a Bundle`);
    for (const e of bundle.entry ?? []) {
      if (!e.resource?.resourceType || e.resource.resourceType === 'OperationOutcome') continue;
      out.push({ url: e.fullUrl ?? `${partner.fhirBase}/${e.resource.resourceType}/${e.resource.id ?? ''}`, resource: e.resource });
    }
    const next = bundle.link?.find((l) => l.relation === 'next')?.url;
    path = next?.startsWith(partner.fhirBase) ? next.slice(partner.fhirBase.length) : undefined;
  }
  return out;
}
