/**
 * `POST Appointment/{id}/$cancel` (Parameters `reason`, optional): cancels an upcoming appointment
 * and frees its slot, in one transaction; answers 200 with the appointment (`cancelled`,
 * `cancelationReason.text`). Patients and proxies cancel only their patients' appointments (the
 * guard answers 404 for others) and only up to the policy's cut-off before the start (422, saying
 * the policy and to call the clinic); staff may always. `$reschedule` cancels through the same code.
 */
import type { Appointment } from '@medplum/fhirtypes';
import { conflict, isOutcomeError } from '@continuum/fhir';
import type { Principal } from '../../access/policy.ts';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import type { Repository } from '../../store/repository.ts';
import { appointmentPatient, bookingPolicy, checkCancellable, checkMayBookFor, releaseSlots } from './booking.ts';
import { OperationInputs } from '../operation-inputs.ts';

const OP = '$cancel';

/** The appointment, once the caller is found allowed to change it (see checkMayBookFor). */
export async function changeableAppointment(ctx: ApiContext, id: string): Promise<Appointment> {
  const appointment = (await ctx.repo.read('Appointment', id)) as Appointment;
  await checkMayBookFor(ctx, appointmentPatient(appointment), 'u');
  return appointment;
}

/** Cancels in the caller's transaction, re-reading the appointment there so that two cancels cannot both apply. */
export async function cancelInTransaction(repo: Repository, p: Principal | undefined, id: string, reason: string, now: Date): Promise<Appointment> {
  const stored = await repo.readStored('Appointment', id);
  const appointment = JSON.parse(stored.content!) as Appointment;
  checkCancellable(p, appointment, bookingPolicy(), now);
  const cancelled: Appointment = { ...appointment, status: 'cancelled', cancelationReason: { text: reason } };
  const res = await repo.update('Appointment', id, cancelled, { ifMatch: stored.versionId }).catch((err: unknown) => {
    if (isOutcomeError(err) && err.status === 412) throw conflict('This appointment was just changed by someone else: reload it and try again');
    throw err;
  });
  await releaseSlots(repo, appointment);
  return res.resource as Appointment;
}

export async function cancelOperation(ctx: ApiContext, req: FhirRequest, id: string): Promise<FhirResponse> {
  const inputs = OperationInputs.read(req, OP, ['reason']);
  await changeableAppointment(ctx, id);
  const reason = inputs.string('reason') ?? 'Cancelled';
  const appointment = await ctx.repo.inTransaction((repo) => cancelInTransaction(repo, ctx.principal, id, reason, new Date()));
  return { status: 200, headers: {}, body: appointment };
}
