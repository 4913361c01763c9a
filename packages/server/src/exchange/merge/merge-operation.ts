/**
 * `POST /fhir/Patient/$merge` Parameters {source-patient, target-patient (Reference), preview
 * (boolean)} → Parameters {source, target (Reference), preview, moved (integer), resource
 * (Reference, one per moved resource), skipped (parts: resource, reason), result (the target
 * Patient, unless preview)}. A preview writes nothing. The HTTP edge audits the call; this adds
 * an entry saying what moved (no PHI: references and counts).
 */
import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import { OperationInputs } from '../../portal/operation-inputs.ts';
import { booleanInput } from '../mpi/operation-values.ts';
import { requireRecordsStaff } from './access.ts';
import { mergePatients, planMerge, type MergePlan } from './merge.ts';
import { auditActor } from '../../auth/audit-sink.ts';

const OP = '$merge';

export function planParameters(plan: MergePlan, preview: boolean): Parameters {
  const ref = (type: string, id: string): { reference: string } => ({ reference: `${type}/${id}` });
  const parameter: ParametersParameter[] = [
    { name: 'source', valueReference: ref('Patient', plan.source.id!) },
    { name: 'target', valueReference: ref('Patient', plan.target.id!) },
    { name: 'preview', valueBoolean: preview },
    { name: 'moved', valueInteger: plan.moved.length },
    ...plan.moved.map((m) => ({ name: 'resource', valueReference: ref(m.type, m.id) })),
    ...plan.skipped.map((s) => ({ name: 'skipped', part: [{ name: 'resource', valueReference: ref(s.type, s.id) }, { name: 'reason', valueString: s.reason }] })),
    ...(preview ? [] : [{ name: 'result', resource: plan.target }]),
  ];
  return { resourceType: 'Parameters', parameter };
}

export async function mergeOperation(ctx: ApiContext, req: FhirRequest): Promise<FhirResponse> {
  const by = requireRecordsStaff(ctx, 'merge patients');
  const inputs = OperationInputs.read(req, OP, ['source-patient', 'target-patient', 'preview']);
  const source = inputs.requiredReference('source-patient', 'Patient');
  const target = inputs.requiredReference('target-patient', 'Patient');
  const preview = booleanInput(req, OP, 'preview') ?? false;
  if (preview) return { status: 200, headers: {}, body: planParameters(await planMerge(ctx.repo, source, target), true) };
  const plan = await mergePatients(ctx.repo, source, target, by);
  if (ctx.principal && ctx.exchange) {
    await ctx.exchange.audit.record({
      ...auditActor(ctx.principal),
      action: 'operation',
      outcome: 'success',
      priority: 'high',
      patients: [source, target],
      resource: 'Patient/$merge',
      detail: `merged Patient/${source} into Patient/${target}: ${plan.moved.length} resources moved, ${plan.skipped.length} left`,
    });
  }
  return { status: 200, headers: {}, body: planParameters(plan, false) };
}
