/**
 * `GET Appointment/$booking-policy`: the rules patients book under, as Parameters `cancelHours`,
 * `bookAheadDays` and `minNoticeHours`, so that the portal can say them before a patient tries.
 */
import type { Parameters } from '@medplum/fhirtypes';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import { bookingPolicy } from './booking.ts';

export function bookingPolicyOperation(_ctx: ApiContext, _req: FhirRequest): Promise<FhirResponse> {
  const policy = bookingPolicy();
  const body: Parameters = {
    resourceType: 'Parameters',
    parameter: [
      { name: 'cancelHours', valueInteger: policy.cancelHours },
      { name: 'bookAheadDays', valueInteger: policy.bookAheadDays },
      { name: 'minNoticeHours', valueInteger: policy.minNoticeHours },
    ],
  };
  return Promise.resolve({ status: 200, headers: {}, body });
}
