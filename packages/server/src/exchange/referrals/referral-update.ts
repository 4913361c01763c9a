/**
 * The message a receiving side sends the referring side when its referral changes state (the
 * body of `$referral-update`): Parameters {referral (valueIdentifier), status (valueCode),
 * businessStatus (valueString), reason (valueString), appointmentDate (valueDateTime), report
 * (valueResource: a DocumentReference holding the consult note, for completed)}. Built from the
 * receiving side's Task, read back on the referring side. Pure: no I/O.
 */
import type { DocumentReference, Identifier, Parameters, Task } from '@medplum/fhirtypes';
import { badRequest } from '@continuum/fhir';
import type { FhirRequest } from '../../api/types.ts';
import { checkAttachments } from '../../portal/messaging/attachments.ts';
import { OperationInputs } from '../../portal/operation-inputs.ts';
import { REFERRAL_ID_SYSTEM } from '../codes.ts';
import { dateTimeParam, identifierParam, parameters, resourceParam } from './parameters.ts';
import { businessStatusOf, referralIdOf } from './referral-package.ts';
import { isReferralStatus, type ReferralStatus } from './state.ts';

export interface ReferralUpdate {
  referralId: string;
  status: ReferralStatus;
  businessStatus?: string;
  reason?: string;
  appointmentDate?: string;
  report?: DocumentReference;
}

const OP = '$referral-update';
const NAMES = ['referral', 'status', 'businessStatus', 'reason', 'appointmentDate', 'report'];

/** The update describing `task`'s current state (the report as it should travel: no local references). */
export function updateFromTask(task: Task, report?: DocumentReference): ReferralUpdate {
  const referralId = referralIdOf(task);
  if (!referralId || !isReferralStatus(task.status)) throw new Error('not a referral Task');
  const business = businessStatusOf(task);
  return {
    referralId,
    status: task.status,
    ...(business ? { businessStatus: business } : {}),
    ...(task.statusReason?.text ? { reason: task.statusReason.text } : {}),
    ...(task.executionPeriod?.start ? { appointmentDate: task.executionPeriod.start } : {}),
    ...(report ? { report } : {}),
  };
}

export function updateParameters(u: ReferralUpdate): Parameters {
  const referral: Identifier = { system: REFERRAL_ID_SYSTEM, value: u.referralId };
  return parameters([
    { name: 'referral', valueIdentifier: referral },
    { name: 'status', valueCode: u.status },
    ...(u.businessStatus ? [{ name: 'businessStatus', valueString: u.businessStatus }] : []),
    ...(u.reason ? [{ name: 'reason', valueString: u.reason }] : []),
    ...(u.appointmentDate ? [{ name: 'appointmentDate', valueDateTime: u.appointmentDate }] : []),
    ...(u.report ? [{ name: 'report', resource: u.report }] : []),
  ]);
}

export function readUpdate(req: FhirRequest): ReferralUpdate {
  const inputs = OperationInputs.read(req, OP, NAMES);
  const referral = identifierParam(req, OP, 'referral');
  if (!referral) throw badRequest(`${OP}: 'referral' is required`);
  if (referral.system !== REFERRAL_ID_SYSTEM) throw badRequest(`${OP}: 'referral' must be a ${REFERRAL_ID_SYSTEM} identifier`);
  const status = inputs.requiredString('status');
  if (!isReferralStatus(status) || status === 'requested') throw badRequest(`${OP}: 'status' must be accepted, rejected, in-progress or completed`);
  const businessStatus = inputs.string('businessStatus');
  const reason = inputs.string('reason');
  const appointmentDate = dateTimeParam(req, OP, 'appointmentDate');
  const report = resourceParam<DocumentReference>(req, OP, 'report', 'DocumentReference');
  if (status === 'completed' && !report) throw badRequest(`${OP}: a completed referral comes with its 'report'`);
  if (report) {
    if (!report.content?.length) throw badRequest(`${OP}: 'report' must carry its content`);
    checkAttachments(report.content.map((c) => c.attachment), OP);
  }
  return {
    referralId: referral.value!,
    status,
    ...(businessStatus ? { businessStatus } : {}),
    ...(reason ? { reason } : {}),
    ...(appointmentDate ? { appointmentDate } : {}),
    ...(report ? { report } : {}),
  };
}
