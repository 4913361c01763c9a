/**
 * `POST Patient/[id]/$reconcile-preview` (physicians, nurses, admins): the incoming medications,
 * allergies and problems side by side with the local lists. Input, one of:
 * - `bundle` (valueResource Bundle): what `$external-record` answered (each resource with
 *   meta.source = its remote URL); no partner is called;
 * - `partner` (valueReference) + `remotePatient` (valueString) [+ `purpose`]: the record is fetched
 *   from the partner as `$external-record` does.
 * Answer: Parameters with one `item` per incoming medication, allergy or problem: {list (valueCode
 * medications | allergies | problems), incoming (valueResource), local (valueReference, when a
 * match), match (valueCode duplicate | possible | new), reason (valueString), decided (valueCode
 * accepted | rejected | merged, when decided before, by remote URL)}.
 */
import type { Bundle, ParametersParameter, Resource } from '@medplum/fhirtypes';
import { badRequest } from '@continuum/fhir';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import { shippedKnowledge } from '../../medications/knowledge.ts';
import { OperationInputs } from '../../portal/operation-inputs.ts';
import type { Repository } from '../../store/repository.ts';
import { checkCaller, CLINICAL_STAFF } from '../consent/caller.ts';
import { purposeInput } from './external-operations.ts';
import { markExternal, remoteUrlOf } from './external-marks.ts';
import { activePartner, recordAt } from './partner-calls.ts';
import { ReceivedStore } from './received-store.ts';
import { listOf, reconcile } from './reconcile.ts';

const OP = '$reconcile-preview';
const LIST_TYPES = ['MedicationRequest', 'MedicationStatement', 'AllergyIntolerance', 'Condition'] as const;
const MAX_LOCAL = 1000;

/** The patient's local medications, allergies and problems (imported ones included: they are local now). */
export async function localLists(repo: Repository, patientId: string): Promise<Resource[]> {
  const out: Resource[] = [];
  for (const type of LIST_TYPES) {
    const page = await repo.search(repo.parseCriteria(type, `patient=${encodeURIComponent(`Patient/${patientId}`)}`), { count: MAX_LOCAL });
    out.push(...page.matches.map((m) => JSON.parse(m.content) as Resource));
  }
  return out;
}

function bundleInput(req: FhirRequest): Bundle | undefined {
  const p = ((req.body as { parameter?: ParametersParameter[] } | undefined)?.parameter ?? []).filter((x) => x.name === 'bundle');
  if (p.length === 0) return undefined;
  if (p.length > 1) throw badRequest(`${OP}: 'bundle' is given more than once`);
  // R4 carries a resource in `resource`; `valueResource` (R5's name) is read too.
  const b = (p[0]!.resource ?? (p[0] as { valueResource?: Resource }).valueResource) as Bundle | undefined;
  if (b?.resourceType !== 'Bundle') throw badRequest(`${OP}: 'bundle' must be a Bundle (valueResource)`);
  return b;
}

export async function reconcilePreviewOperation(ctx: ApiContext, req: FhirRequest, patientId: string): Promise<FhirResponse> {
  await checkCaller(ctx, patientId, { roles: CLINICAL_STAFF, patients: false, scope: { type: 'Patient', permission: 'r' }, operation: OP });
  if (req.method !== 'POST' || typeof req.body !== 'object' || req.body === null) throw badRequest(`${OP} takes a Parameters resource in the body`);
  const given = bundleInput(req);
  const body = req.body as { parameter?: ParametersParameter[] };
  const rest = { ...req, query: [], body: { resourceType: 'Parameters', parameter: (body.parameter ?? []).filter((x) => x.name !== 'bundle') } };
  const inputs = OperationInputs.read(rest, OP, ['partner', 'remotePatient', 'purpose']);
  await ctx.repo.readStored('Patient', patientId);
  let incoming: Resource[];
  if (given) {
    incoming = (given.entry ?? []).flatMap((e) => (e.resource ? [e.resource] : []));
  } else {
    const partner = await activePartner(ctx, inputs.requiredReference('partner', 'Organization'));
    const remote = inputs.requiredString('remotePatient');
    incoming = (await recordAt(ctx, partner, remote, purposeInput(inputs, OP))).map(({ url, resource }) => markExternal(resource, partner, url));
  }
  const candidates = incoming.filter((r) => listOf(r) !== undefined);
  for (const r of candidates) if (!remoteUrlOf(r)) throw badRequest(`${OP}: every incoming ${r.resourceType} needs meta.source (its URL at the partner), as $external-record gives it`);
  const verdicts = reconcile(candidates, await localLists(ctx.repo, patientId), shippedKnowledge());
  const decided = await new ReceivedStore(ctx.repo.queryable, ctx.repo.tenantId).decisions(patientId, candidates.map((r) => remoteUrlOf(r)!));
  const parameter: ParametersParameter[] = verdicts.map((v) => {
    const d = decided.get(remoteUrlOf(v.incoming)!);
    return {
      name: 'item',
      part: [
        { name: 'list', valueCode: v.list },
        { name: 'incoming', resource: v.incoming },
        ...(v.local ? [{ name: 'local', valueReference: { reference: `${v.local.resourceType}/${v.local.id ?? ''}` } }] : []),
        { name: 'match', valueCode: v.match },
        { name: 'reason', valueString: v.reason },
        ...(d ? [{ name: 'decided', valueCode: d.decision }] : []),
      ],
    };
  });
  return { status: 200, headers: {}, body: { resourceType: 'Parameters', parameter } };
}
