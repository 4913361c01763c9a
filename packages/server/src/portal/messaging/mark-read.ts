/**
 * `POST /Communication/{id}/$mark-read`: the recipient of a message (a portal message, or any
 * Communication) records that they have read it (`received`, the read receipt). Only a recipient
 * may: a practitioner named as one, or on the patient side the patient (or a proxy acting for them) when the patient or that proxy is
 * named. The sender never may (403). Idempotent: a message already read keeps its first time.
 */
import type { Communication } from '@medplum/fhirtypes';
import { forbidden } from '@continuum/fhir';
import { compartmentLimit } from '../../access/policy.ts';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import { callerOf, checkPermits, referenceKey, type Caller } from './caller.ts';
import { OperationInputs } from '../operation-inputs.ts';

const OP = '$mark-read';

function isRecipient(caller: Caller, message: Communication): boolean {
  const recipients = (message.recipient ?? []).map(referenceKey);
  if (recipients.includes(caller.fhirUser)) return true;
  if (caller.side === 'staff') return false;
  const patients = compartmentLimit(caller.principal) ?? [];
  return recipients.some((r) => r?.startsWith('Patient/') && patients.includes(r.slice('Patient/'.length)));
}

export async function markReadOperation(ctx: ApiContext, req: FhirRequest, id: string): Promise<FhirResponse> {
  const caller = callerOf(ctx, OP);
  checkPermits(caller, 'update', 'Communication', OP);
  OperationInputs.read(req, OP, []);
  const stored = (await ctx.repo.read('Communication', id)) as Communication;
  if (referenceKey(stored.sender) === caller.fhirUser) throw forbidden(`${OP}: the sender of a message cannot mark it read`);
  if (!isRecipient(caller, stored)) throw forbidden(`${OP}: only a recipient of this message may mark it read`);
  if (stored.received) return { status: 200, headers: {}, body: stored };
  const { resource } = await ctx.repo.patch('Communication', id, (current) => {
    const c = current as Communication;
    return c.received ? c : { ...c, received: new Date().toISOString() };
  });
  return { status: 200, headers: {}, body: resource };
}
