/**
 * The portal's FHIR operations for messaging, refills and amendments (see portal/routes.ts). The
 * guard checks each target is visible to the caller (404 otherwise); the handlers check the rest
 * (the caller's side, the patient they act for, the write the operation makes).
 */
import type { Route } from '../../api/router.ts';
import { decideAmendmentOperation, requestAmendmentOperation } from './amendment.ts';
import { markReadOperation } from './mark-read.ts';
import { messageOperation } from './message.ts';
import { requestRefillOperation } from './refill.ts';

const on = (type: string, id: string | undefined) => ({ interaction: 'operation' as const, type, target: { type, id: id! } });

export const MESSAGING_ROUTES: Route[] = [
  { pattern: ['Patient', ':id', '$message'], methods: { POST: messageOperation }, access: (_m, [id]) => on('Patient', id) },
  { pattern: ['Communication', ':id', '$mark-read'], methods: { POST: markReadOperation }, access: (_m, [id]) => on('Communication', id) },
  { pattern: ['MedicationRequest', ':id', '$request-refill'], methods: { POST: requestRefillOperation }, access: (_m, [id]) => on('MedicationRequest', id) },
  { pattern: ['Patient', ':id', '$request-amendment'], methods: { POST: requestAmendmentOperation }, access: (_m, [id]) => on('Patient', id) },
  { pattern: ['Task', ':id', '$decide-amendment'], methods: { POST: decideAmendmentOperation }, access: (_m, [id]) => on('Task', id) },
];
