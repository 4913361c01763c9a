/**
 * `Patient/[id]/$everything` for every caller: a partner organization gets the patient's record as
 * the patient's consent allows it (below); anyone else gets the FHIR API's own `$everything`
 * (api/operations/everything.ts) under the guard's usual checks.
 *
 * For a partner principal (SMART Backend Services client of a partner, exchange/partners):
 * - the `x-purpose-of-use` header must name a PurposeOfUse code, else 400;
 * - `consentDecision` for the partner's organization and that purpose must permit, else 403 with
 *   the consent's reason, audited (`export`, `denied`) and recorded as a denied disclosure;
 * - the page then holds only resources of the patient's compartment and, as includes, shared
 *   resources outside every compartment (directory types, Medication, Substance); resources
 *   carrying a withheld sensitivity label are left out, and so are `_elements` and `_summary`
 *   (a trimmed copy could lose its labels: partners get whole resources);
 * - each page is audited (`export`, `success`, detail without PHI) and recorded as a disclosure
 *   of kind `query` with its resource count.
 */
import type { Bundle, BundleEntry, Parameters } from '@medplum/fhirtypes';
import { badRequest, forbidden } from '@continuum/fhir';
import { categoryOf } from '../../access/roles.ts';
import { restrictedCodes } from '../../access/sensitivity.ts';
import type { Principal } from '../../access/policy.ts';
import { everythingOperation } from '../../api/operations/everything.ts';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import { consentDecision } from '../consent/consent.ts';
import { recordDisclosure } from '../consent/disclosures.ts';
import { ON_BEHALF_HEADER, PURPOSE_HEADER, type PurposeOfUse } from '../types.ts';
import { auditActor } from '../../auth/audit-sink.ts';

export const PURPOSES: readonly PurposeOfUse[] = ['TREAT', 'ETREAT', 'HPAYMT', 'HOPERAT', 'PUBHLTH', 'PATRQT', 'COC'];
/** Resources outside any patient's compartment a partner may get with the record. */
const SHARED_TYPES = new Set(['Medication', 'Substance']);
const TRIMMING = new Set(['_elements', '_summary']);

/** The purpose a partner states, or a 400. */
export function partnerPurpose(req: FhirRequest): PurposeOfUse {
  const raw = req.headers[PURPOSE_HEADER]?.trim();
  if (!raw) throw badRequest(`A partner request must state its purpose of use in the ${PURPOSE_HEADER} header (${PURPOSES.join(', ')})`);
  if (!(PURPOSES as readonly string[]).includes(raw)) throw badRequest(`${PURPOSE_HEADER} must be one of ${PURPOSES.join(', ')}`);
  return raw as PurposeOfUse;
}

/** `Practitioner/x` of the on-behalf-of header (the display is a name: not for the audit). */
function onBehalfOf(req: FhirRequest): string | undefined {
  const ref = req.headers[ON_BEHALF_HEADER]?.split('|')[0]?.trim();
  return ref && /^[A-Z][A-Za-z]+\/[A-Za-z0-9.-]{1,64}$/.test(ref) ? ref : undefined;
}

export async function everythingForCaller(ctx: ApiContext, req: FhirRequest, patientId: string): Promise<FhirResponse> {
  const partner = ctx.principal?.partner;
  if (!partner) return everythingOperation(ctx, req, patientId);
  return partnerEverything(ctx, req, patientId, ctx.principal!, partner);
}

async function partnerEverything(ctx: ApiContext, req: FhirRequest, patientId: string, p: Principal, partner: { organizationId: string; name: string }): Promise<FhirResponse> {
  const purpose = partnerPurpose(req);
  await ctx.repo.readStored('Patient', patientId);
  const decision = await consentDecision(ctx.repo, patientId, partner.organizationId, purpose, new Date(), ctx.exchange?.consentDefault);
  const who = onBehalfOf(req);
  const audit = async (outcome: 'success' | 'denied', detail: string): Promise<void> => {
    await ctx.exchange?.audit.record({
      ...auditActor(p),
      action: 'export',
      outcome,
      priority: outcome === 'denied' ? 'high' : 'normal',
      patients: [patientId],
      resource: `Patient/${patientId}`,
      detail: `${detail}${who ? ` (on behalf of ${who})` : ''}; consent: ${decision.basis.join(', ') || 'default policy'}`,
    });
  };
  const disclosure = { patient: patientId, organizationId: partner.organizationId, organizationName: partner.name, purpose, kind: 'query' as const };
  if (!decision.permit) {
    await audit('denied', `disclosure to Organization/${partner.organizationId} for ${purpose} refused`);
    await recordDisclosure(ctx.repo, { ...disclosure, resources: 0, outcome: 'denied' });
    throw forbidden(`Disclosure refused: ${decision.reason}`);
  }
  const whole: FhirRequest = {
    ...req,
    query: req.query.filter(([k]) => !TRIMMING.has(k)),
    ...(req.body && typeof req.body === 'object' && (req.body as Parameters).resourceType === 'Parameters'
      ? { body: { ...(req.body as Parameters), parameter: ((req.body as Parameters).parameter ?? []).filter((x) => !TRIMMING.has(x.name)) } }
      : {}),
  };
  const res = await everythingOperation(ctx, whole, patientId);
  const bundle = res.body as Bundle;
  const withheld = new Set(decision.withheldLabels);
  let left = 0;
  const entry = (bundle.entry ?? []).filter((e: BundleEntry) => {
    const r = e.resource;
    if (!r) return false;
    const keep =
      !restrictedCodes(r).some((c) => withheld.has(c)) &&
      (e.search?.mode === 'include'
        ? categoryOf(r.resourceType) === 'directory' || SHARED_TYPES.has(r.resourceType)
        : (r.resourceType === 'Patient' && r.id === patientId) || ctx.repo.indexer.index(r).compartments.includes(patientId));
    if (!keep) left++;
    return keep;
  });
  await audit('success', `disclosure to Organization/${partner.organizationId} for ${purpose}: ${entry.length} resources (${left} withheld)`);
  await recordDisclosure(ctx.repo, { ...disclosure, resources: entry.length, outcome: 'disclosed' });
  return { ...res, body: { ...bundle, entry } };
}
