/**
 * Who may call the referral and messaging operations. Staff operations ($refer, $resend-referral,
 * $referral-respond, $send-to-partner) are for physicians and nurses signed in as their
 * Practitioner: the referral names them as requester or author. Partner operations
 * ($referral-receive, $referral-update, $partner-receive) are for partner deployments only (a
 * principal with `partner`); any other caller, a fully privileged system client included, is
 * refused, so that no one can make a referral or a message look as if a partner sent it.
 */
import type { Practitioner } from '@medplum/fhirtypes';
import { badRequest, forbidden } from '@continuum/fhir';
import type { Principal } from '../../access/policy.ts';
import type { ApiContext, FhirRequest } from '../../api/types.ts';
import { PURPOSE_HEADER, type ExchangeServices, type Partner, type PurposeOfUse } from '../types.ts';

const CLINICAL_ROLES = ['physician', 'nurse'];

export interface Clinician {
  principal: Principal;
  /** `Practitioner/<id>` */
  fhirUser: string;
  display?: string;
  exchange: ExchangeServices;
}

function exchangeOf(ctx: ApiContext, op: string): ExchangeServices {
  if (!ctx.exchange) throw forbidden(`${op} needs exchange with other organizations, which this server does not offer`);
  return ctx.exchange;
}

/** The physician or nurse calling a staff operation, with their name; others get a 403. */
export async function clinicianOf(ctx: ApiContext, op: string): Promise<Clinician> {
  const p = ctx.principal;
  if (!p || p.kind !== 'staff' || !p.roles.some((r) => CLINICAL_ROLES.includes(r)) || !p.fhirUser?.startsWith('Practitioner/')) {
    throw forbidden(`${op} is for physicians and nurses signed in as themselves`);
  }
  const practitioner = (await ctx.repo.read('Practitioner', p.fhirUser.slice('Practitioner/'.length)).catch(() => undefined)) as Practitioner | undefined;
  const name = practitioner?.name?.[0];
  const display = name ? [name.prefix?.join(' '), name.given?.join(' '), name.family].filter(Boolean).join(' ') || name.text : undefined;
  return { principal: p, fhirUser: p.fhirUser, ...(display ? { display } : {}), exchange: exchangeOf(ctx, op) };
}

const PURPOSES: readonly PurposeOfUse[] = ['TREAT', 'ETREAT', 'HPAYMT', 'HOPERAT', 'PUBHLTH', 'PATRQT', 'COC'];

/**
 * The partner deployment calling a partner operation; every other caller gets a 403. The request
 * must state its purpose of use (PURPOSE_HEADER), as every partner request does: else 400.
 */
export function partnerOf(ctx: ApiContext, req: FhirRequest, op: string): { organizationId: string; name: string } {
  const partner = ctx.principal?.partner;
  if (!partner) throw forbidden(`${op} is called by partner organizations only`);
  const purpose = req.headers[PURPOSE_HEADER]?.trim();
  if (!purpose || !PURPOSES.includes(purpose as PurposeOfUse)) throw badRequest(`${op}: the request must state its purpose of use in '${PURPOSE_HEADER}' (${PURPOSES.join(', ')})`);
  return partner;
}

/** An active partner of this tenant's directory, by Organization id: 400 when it is none. */
export async function activePartner(ctx: ApiContext, exchange: ExchangeServices, organizationId: string, op: string): Promise<Partner> {
  const partner = await exchange.partners(ctx.repo).get(organizationId);
  if (!partner) throw badRequest(`${op}: Organization/${organizationId} is not an exchange partner`);
  if (!partner.active) throw badRequest(`${op}: the partner Organization/${organizationId} is disabled`);
  return partner;
}
