/**
 * `GET Patient/[id]/$data-holders`: which other organizations hold or have received the patient's
 * data. Parameters with one `holder` part per organization: {organization (valueReference with
 * display), lastDisclosed (valueDateTime, when something went out), kinds (valueString, repeated:
 * match, query, referral, message, notification), received (valueBoolean: this organization's
 * items were imported here)}. Sources: the disclosure records (consent/disclosures.ts) and the
 * import decisions (received-store.ts). Callable by the patient, their proxies, and physicians,
 * nurses and admins.
 */
import type { Organization, ParametersParameter } from '@medplum/fhirtypes';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import { checkCaller, CLINICAL_STAFF } from '../consent/caller.ts';
import { disclosuresOf } from '../consent/disclosures.ts';
import { ReceivedStore } from './received-store.ts';

export async function dataHoldersOperation(ctx: ApiContext, _req: FhirRequest, patientId: string): Promise<FhirResponse> {
  await checkCaller(ctx, patientId, { roles: CLINICAL_STAFF, patients: true, scope: { type: 'Patient', permission: 'r' }, operation: '$data-holders' });
  await ctx.repo.readStored('Patient', patientId);
  const disclosed = await disclosuresOf(ctx.repo, patientId);
  const received = await new ReceivedStore(ctx.repo.queryable, ctx.repo.tenantId).sources(patientId);
  // The Organization's name here, as this tenant's directory has it; else the name recorded with the disclosure.
  const names = new Map<string, string>();
  for (const id of new Set([...disclosed.map((d) => d.organizationId), ...received])) {
    const org = (await ctx.repo.read('Organization', id).catch(() => undefined)) as Organization | undefined;
    names.set(id, org?.name ?? disclosed.find((d) => d.organizationId === id)?.organizationName ?? `Organization/${id}`);
  }
  const parameter: ParametersParameter[] = [...names].map(([id, name]) => {
    const d = disclosed.find((x) => x.organizationId === id);
    return {
      name: 'holder',
      part: [
        { name: 'organization', valueReference: { reference: `Organization/${id}`, display: name } },
        ...(d?.lastDisclosed ? [{ name: 'lastDisclosed', valueDateTime: d.lastDisclosed }] : []),
        ...(d?.kinds ?? []).map((k) => ({ name: 'kinds', valueString: k })),
        { name: 'received', valueBoolean: received.has(id) },
      ],
    };
  });
  return { status: 200, headers: {}, body: { resourceType: 'Parameters', parameter } };
}
