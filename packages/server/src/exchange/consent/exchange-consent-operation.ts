/**
 * `Patient/[id]/$exchange-consent`: the patient's choice about exchange with other organizations.
 * - GET → Parameters: `default` (valueCode opt-in | opt-out: what applies without a Consent), then
 *   one `organization` part per partner organization (and any other an exchange Consent names):
 *   {organization (valueReference with display), decision (valueCode permit | deny), sensitive
 *   (valueCode, repeated: the labels disclosed too), reason (valueString), consent (valueReference,
 *   repeated: what the decision rests on)}, each for purpose TREAT, now.
 * - POST Parameters {organization (valueReference Organization, optional: every organization),
 *   decision (valueCode permit | deny), sensitive (valueCode, repeatable: labels to permit too)}
 *   → a new Consent (the previous active one for the same organization, or the previous general
 *   one, set inactive, in one transaction), then the same Parameters as GET.
 * Callable by the patient, their proxies, and physicians, nurses, front desk and admins
 * (consent/caller.ts); billers and auditors get a 403.
 */
import type { Consent, Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { badRequest, isOutcomeError } from '@continuum/fhir';
import { rightCodes } from '../../access/sensitivity.ts';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import type { Role } from '../../identity/types.ts';
import { OperationInputs } from '../../portal/operation-inputs.ts';
import type { Repository } from '../../store/repository.ts';
import { CONSENT_CATEGORY, CONSENT_SCOPE } from '../codes.ts';
import { actorOf, checkCaller } from './caller.ts';
import { actorsOf, decideConsent, exchangeConsents, isExchangeConsent } from './consent.ts';
import type { ConsentDefault } from './default-policy.ts';
import { consentOrganizations } from './partner-organizations.ts';

const OP = '$exchange-consent';
const ROLES: readonly Role[] = ['physician', 'nurse', 'front-desk', 'admin'];
const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';

/** The current decisions, as the operation answers them. */
export async function consentParameters(repo: Repository, patientId: string, fallback: ConsentDefault, now = new Date()): Promise<Parameters> {
  const consents = await exchangeConsents(repo, patientId);
  const parameter: ParametersParameter[] = [{ name: 'default', valueCode: fallback }];
  for (const org of await consentOrganizations(repo, consents.filter(isExchangeConsent))) {
    const d = decideConsent(consents, org.id, 'TREAT', now, fallback);
    const sensitive = d.permit ? rightCodes().filter((c) => !d.withheldLabels.includes(c)) : [];
    parameter.push({
      name: 'organization',
      part: [
        { name: 'organization', valueReference: { reference: `Organization/${org.id}`, display: org.name } },
        { name: 'decision', valueCode: d.permit ? 'permit' : 'deny' },
        ...sensitive.map((code) => ({ name: 'sensitive', valueCode: code })),
        { name: 'reason', valueString: d.reason },
        ...d.basis.map((reference) => ({ name: 'consent', valueReference: { reference } })),
      ],
    });
  }
  return { resourceType: 'Parameters', parameter };
}

export async function exchangeConsentGet(ctx: ApiContext, _req: FhirRequest, patientId: string): Promise<FhirResponse> {
  await checkCaller(ctx, patientId, { roles: ROLES, patients: true, scope: { type: 'Consent', permission: 'r' }, operation: OP });
  await ctx.repo.readStored('Patient', patientId);
  return { status: 200, headers: {}, body: await consentParameters(ctx.repo, patientId, ctx.exchange?.consentDefault ?? 'opt-in') };
}

export async function exchangeConsentPost(ctx: ApiContext, req: FhirRequest, patientId: string): Promise<FhirResponse> {
  const p = await checkCaller(ctx, patientId, { roles: ROLES, patients: true, scope: { type: 'Consent', permission: 'c' }, operation: OP });
  const inputs = OperationInputs.read({ ...req, query: [] }, OP, ['organization', 'decision', 'sensitive']);
  const decision = inputs.code('decision');
  if (decision !== 'permit' && decision !== 'deny') throw badRequest(`${OP}: 'decision' must be permit or deny`);
  const orgId = inputs.reference('organization', ['Organization'])?.id;
  const sensitive = ((req.body as Parameters).parameter ?? []).filter((x) => x.name === 'sensitive').map((x) => x.valueCode ?? x.valueString);
  const known = new Set(rightCodes());
  for (const code of sensitive) if (typeof code !== 'string' || !known.has(code)) throw badRequest(`${OP}: 'sensitive' must be one of ${[...known].join(', ')}`);
  if (decision === 'deny' && sensitive.length > 0) throw badRequest(`${OP}: 'sensitive' goes with decision permit only`);
  await ctx.repo.readStored('Patient', patientId);
  let orgName: string | undefined;
  if (orgId !== undefined) {
    const org = await ctx.repo.read('Organization', orgId).catch((err: unknown) => {
      if (isOutcomeError(err)) throw badRequest(`${OP}: Organization/${orgId} is not known`);
      throw err;
    });
    orgName = (org as { name?: string }).name;
  }
  const now = new Date();
  const actor = actorOf(p);
  const consent: Consent = {
    resourceType: 'Consent',
    status: 'active',
    scope: { coding: [CONSENT_SCOPE] },
    category: [{ coding: [CONSENT_CATEGORY] }],
    patient: { reference: `Patient/${patientId}` },
    dateTime: now.toISOString(),
    performer: [actor.reference ? { reference: actor.reference } : { display: actor.display }],
    policyRule: { coding: [{ system: ACT_CODE, code: decision === 'permit' ? 'OPTIN' : 'OPTOUT' }] },
    provision: {
      type: decision,
      ...(orgId !== undefined
        ? { actor: [{ role: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP', display: 'information recipient' }] }, reference: { reference: `Organization/${orgId}`, ...(orgName ? { display: orgName } : {}) } }] }
        : {}),
      ...(sensitive.length > 0 ? { provision: [{ type: 'permit', securityLabel: sensitive.map((code) => ({ system: ACT_CODE, code: code! })) }] } : {}),
    },
  };
  await ctx.repo.inTransaction(async (repo) => {
    // The previous choice for the same organization (or the previous general one) gives way.
    for (const old of await exchangeConsents(repo, patientId)) {
      if (old.status !== 'active' || old.id === undefined) continue;
      const orgs = actorsOf(old);
      const same = orgId === undefined ? orgs.length === 0 && (old.provision?.actor ?? []).length === 0 : orgs.length === 1 && orgs[0] === orgId;
      if (same) await repo.update('Consent', old.id, { ...old, status: 'inactive' });
    }
    await repo.create(consent);
  });
  return { status: 200, headers: {}, body: await consentParameters(ctx.repo, patientId, ctx.exchange?.consentDefault ?? 'opt-in', now) };
}
