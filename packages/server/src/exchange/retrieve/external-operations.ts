/**
 * Finding a patient's record at partner organizations (staff: physicians, nurses, admins):
 * - `POST Patient/[id]/$external-match` Parameters {partner (valueReference Organization,
 *   optional: every active partner), purpose (valueCode, default TREAT)} → Bundle searchset of the
 *   partners' candidates: fullUrl = the remote URL, the remote Patient marked external
 *   (external-marks.ts), search {mode match, score, match-grade}. A partner that fails gives an
 *   OperationOutcome entry (search.mode outcome) instead of failing the answer.
 * - `POST Patient/[id]/$external-record` Parameters {partner, remotePatient (valueString: the id
 *   there), purpose} → Bundle collection of the partner's record of that patient, each resource
 *   marked external with meta.source = its remote URL; the link (local patient, partner, remote
 *   id) is remembered. The partner's consent refusal is a 403 here with the partner's reason.
 */
import type { Bundle, BundleEntry, Patient } from '@medplum/fhirtypes';
import { badRequest, isOutcomeError, issue, outcome } from '@continuum/fhir';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import { OperationInputs } from '../../portal/operation-inputs.ts';
import { checkCaller, CLINICAL_STAFF } from '../consent/caller.ts';
import type { Partner, PurposeOfUse } from '../types.ts';
import { PURPOSES } from './disclosure.ts';
import { markExternal } from './external-marks.ts';
import { activePartner, matchAt, recordAt, servicesOf } from './partner-calls.ts';
import { ReceivedStore } from './received-store.ts';

export function purposeInput(inputs: OperationInputs, op: string): PurposeOfUse {
  const purpose = inputs.code('purpose') ?? 'TREAT';
  if (!(PURPOSES as readonly string[]).includes(purpose)) throw badRequest(`${op}: 'purpose' must be one of ${PURPOSES.join(', ')}`);
  return purpose as PurposeOfUse;
}

/** What a partner gets to find the patient: demographics and identifiers, nothing clinical. */
export function matchQuery(p: Patient): Patient {
  return {
    resourceType: 'Patient',
    ...(p.identifier ? { identifier: p.identifier.map(({ system, value }) => ({ ...(system ? { system } : {}), ...(value ? { value } : {}) })) } : {}),
    ...(p.name ? { name: p.name } : {}),
    ...(p.gender ? { gender: p.gender } : {}),
    ...(p.birthDate ? { birthDate: p.birthDate } : {}),
    ...(p.telecom ? { telecom: p.telecom } : {}),
    ...(p.address ? { address: p.address } : {}),
  };
}

export async function externalMatchOperation(ctx: ApiContext, req: FhirRequest, patientId: string): Promise<FhirResponse> {
  await checkCaller(ctx, patientId, { roles: CLINICAL_STAFF, patients: false, scope: { type: 'Patient', permission: 'r' }, operation: '$external-match' });
  const inputs = OperationInputs.read(req, '$external-match', ['partner', 'purpose']);
  const purpose = purposeInput(inputs, '$external-match');
  const one = inputs.reference('partner', ['Organization'])?.id;
  const local = (await ctx.repo.read('Patient', patientId)) as Patient;
  const partners: Partner[] = one !== undefined ? [await activePartner(ctx, one)] : (await servicesOf(ctx).partners(ctx.repo).list()).filter((x) => x.active);
  const entry: BundleEntry[] = [];
  await Promise.all(
    partners.map(async (partner) => {
      try {
        const answer = await matchAt(ctx, partner, matchQuery(local), purpose);
        for (const e of answer.entry ?? []) {
          if (e.resource?.resourceType !== 'Patient') continue;
          const url = e.fullUrl ?? `${partner.fhirBase}/Patient/${e.resource.id ?? ''}`;
          entry.push({ fullUrl: url, resource: markExternal(e.resource, partner, url), search: { mode: 'match', ...(e.search?.score !== undefined ? { score: e.search.score } : {}), ...(e.search?.extension ? { extension: e.search.extension } : {}) } });
        }
      } catch (err) {
        const text = isOutcomeError(err) ? (err.outcome.issue?.[0]?.details?.text ?? 'failed') : 'failed';
        entry.push({ resource: outcome(issue('warning', 'transient', `${partner.name}: ${text}`)), search: { mode: 'outcome' } });
      }
    }),
  );
  entry.sort((a, b) => (b.search?.score ?? -1) - (a.search?.score ?? -1));
  const bundle: Bundle = { resourceType: 'Bundle', type: 'searchset', total: entry.filter((e) => e.search?.mode === 'match').length, entry };
  return { status: 200, headers: {}, body: bundle };
}

export async function externalRecordOperation(ctx: ApiContext, req: FhirRequest, patientId: string): Promise<FhirResponse> {
  await checkCaller(ctx, patientId, { roles: CLINICAL_STAFF, patients: false, scope: { type: 'Patient', permission: 'r' }, operation: '$external-record' });
  const inputs = OperationInputs.read(req, '$external-record', ['partner', 'remotePatient', 'purpose']);
  const partnerId = inputs.requiredReference('partner', 'Organization');
  const remote = inputs.requiredString('remotePatient');
  if (!/^[A-Za-z0-9.-]{1,64}$/.test(remote)) throw badRequest(`$external-record: 'remotePatient' must be a FHIR id`);
  const purpose = purposeInput(inputs, '$external-record');
  await ctx.repo.readStored('Patient', patientId);
  const partner = await activePartner(ctx, partnerId);
  const items = await recordAt(ctx, partner, remote, purpose);
  await new ReceivedStore(ctx.repo.queryable, ctx.repo.tenantId).link(patientId, partner.organizationId, remote, new Date());
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'collection',
    timestamp: new Date().toISOString(),
    entry: items.map(({ url, resource }) => ({ fullUrl: url, resource: markExternal(resource, partner, url) })),
  };
  return { status: 200, headers: {}, body: bundle };
}
