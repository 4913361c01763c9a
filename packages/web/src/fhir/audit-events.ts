/**
 * What the server's AuditEvents say beyond the standard codes (audit/audit-event.ts on the
 * server), read the same way by the patient's activity log and the auditor's report. Pure.
 */
import type { AuditEvent } from '@medplum/fhirtypes';

/** The server names the operation an entry records as a second subtype in this system. */
export const OPERATION_SYSTEM = 'urn:continuum:operation';

/** The operation the event records, without its `$` (`everything`), if any. */
export function operationOf(e: AuditEvent): string | undefined {
  return e.subtype?.find((c) => c.system === OPERATION_SYSTEM)?.code;
}

