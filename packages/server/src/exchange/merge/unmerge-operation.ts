/**
 * `POST /fhir/Patient/$unmerge` Parameters {source-patient (Reference)} → Parameters {source,
 * target (Reference), restored (integer), resource (Reference, one per resource moved back),
 * unchanged (parts: resource, reason)}. 409 when the patient is not merged.
 */
import type { Parameters } from '@medplum/fhirtypes';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import { OperationInputs } from '../../portal/operation-inputs.ts';
import { requireRecordsStaff } from './access.ts';
import { unmergePatient } from './merge.ts';
import { auditActor } from '../../auth/audit-sink.ts';

const OP = '$unmerge';

export async function unmergeOperation(ctx: ApiContext, req: FhirRequest): Promise<FhirResponse> {
  const by = requireRecordsStaff(ctx, 'unmerge patients');
  const inputs = OperationInputs.read(req, OP, ['source-patient']);
  const source = inputs.requiredReference('source-patient', 'Patient');
  const r = await unmergePatient(ctx.repo, source, by);
  const target = r.target.id!;
  if (ctx.principal && ctx.exchange) {
    await ctx.exchange.audit.record({
      ...auditActor(ctx.principal),
      action: 'operation',
      outcome: 'success',
      priority: 'high',
      patients: [source, target],
      resource: 'Patient/$unmerge',
      detail: `unmerged Patient/${source} from Patient/${target}: ${r.restored.length} resources moved back, ${r.unchanged.length} left`,
    });
  }
  const body: Parameters = {
    resourceType: 'Parameters',
    parameter: [
      { name: 'source', valueReference: { reference: `Patient/${source}` } },
      { name: 'target', valueReference: { reference: `Patient/${target}` } },
      { name: 'restored', valueInteger: r.restored.length },
      ...r.restored.map((m) => ({ name: 'resource', valueReference: { reference: `${m.type}/${m.id}` } })),
      ...r.unchanged.map((u) => ({ name: 'unchanged', part: [{ name: 'resource', valueReference: { reference: `${u.type}/${u.id}` } }, { name: 'reason', valueString: u.reason }] })),
    ],
  };
  return { status: 200, headers: {}, body };
}
