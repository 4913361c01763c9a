/**
 * `POST Appointment/{id}/$reschedule` (Parameters `slot`, optional `appointmentType` and `reason`):
 * moves an appointment to another slot. One transaction books the new slot (the rules of `$book`,
 * the same patient, by default the same type and reason) and cancels the old appointment (the
 * rules of `$cancel`, reason "Rescheduled"), freeing its slot: either both happen or neither.
 * Answers 201 with the new Appointment.
 */
import { writeResponse } from '../../api/respond.ts';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import { appointmentPatient } from './booking.ts';
import { bookInTransaction } from './book.ts';
import { cancelInTransaction, changeableAppointment } from './cancel.ts';
import { OperationInputs } from '../operation-inputs.ts';

const OP = '$reschedule';

export async function rescheduleOperation(ctx: ApiContext, req: FhirRequest, id: string): Promise<FhirResponse> {
  const inputs = OperationInputs.read(req, OP, ['slot', 'appointmentType', 'reason']);
  const slotId = inputs.requiredReference('slot', 'Slot');
  const old = await changeableAppointment(ctx, id);
  const now = new Date();
  const booked = await ctx.repo.inTransaction(async (repo) => {
    await cancelInTransaction(repo, ctx.principal, id, 'Rescheduled', now);
    return bookInTransaction(repo, ctx.principal, {
      slotId,
      patientId: appointmentPatient(old),
      appointmentType: inputs.coding('appointmentType') ?? old.appointmentType?.coding?.[0],
      reason: inputs.string('reason') ?? old.reasonCode?.[0]?.text,
    }, now);
  });
  return writeResponse(req, 201, booked, ctx.baseUrl);
}
