/**
 * Checks a CDS Hooks 2.0 request body against the hook it was sent to, and returns it typed.
 * Untrusted JSON in, a HookRequest out, or a 400 (`badRequest`, an OperationOutcome naming the
 * field) for the first problem found. Pure: no I/O. It checks shape only; whether the caller may
 * see the patient is decided later by the FHIR reads themselves.
 */
import { badRequest } from '@continuum/fhir';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import type { HookName, HookRequest } from './types.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ID = /^[A-Za-z0-9.-]{1,64}$/;
const REF = /^[A-Z][A-Za-z]+\/[A-Za-z0-9.-]{1,64}$/;
export const ORDER_TYPES = new Set(['MedicationRequest', 'ServiceRequest']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isUuid = (s: unknown): s is string => typeof s === 'string' && UUID.test(s);

function draftOrders(v: unknown): Bundle {
  if (!isObject(v) || v.resourceType !== 'Bundle') throw badRequest('context.draftOrders must be a FHIR Bundle', ['context.draftOrders']);
  const entries = v.entry ?? [];
  if (!Array.isArray(entries)) throw badRequest('context.draftOrders.entry must be an array', ['context.draftOrders.entry']);
  if (entries.length > 200) throw badRequest('context.draftOrders holds more than 200 orders', ['context.draftOrders.entry']);
  entries.forEach((e: unknown, i) => {
    const r = isObject(e) ? e.resource : undefined;
    const where = `context.draftOrders.entry[${i}].resource`;
    if (!isObject(r) || typeof r.resourceType !== 'string') throw badRequest(`${where} must be a FHIR resource`, [where]);
    if (!ORDER_TYPES.has(r.resourceType)) throw badRequest(`${where}: drafts must be MedicationRequest or ServiceRequest, not ${r.resourceType}`, [where]);
    if (typeof r.id !== 'string' || !ID.test(r.id)) throw badRequest(`${where} needs an id (the client's id of the draft) so cards can name it`, [where]);
  });
  return v as unknown as Bundle;
}

function prefetch(v: unknown): Record<string, Resource | null> | undefined {
  if (v === undefined) return undefined;
  if (!isObject(v)) throw badRequest('prefetch must be an object of FHIR resources by key', ['prefetch']);
  for (const [k, r] of Object.entries(v)) {
    if (r !== null && (!isObject(r) || typeof r.resourceType !== 'string')) throw badRequest(`prefetch.${k} must be a FHIR resource or null`, [`prefetch.${k}`]);
  }
  return v as Record<string, Resource | null>;
}

/** The request, checked for `hook`; throws a 400 naming the first problem. */
export function parseHookRequest(body: unknown, hook: HookName): HookRequest {
  if (!isObject(body)) throw badRequest('The request body must be a CDS Hooks request (a JSON object)');
  if (body.hook !== hook) throw badRequest(`This service answers the '${hook}' hook, not '${String(body.hook)}'`, ['hook']);
  if (!isUuid(body.hookInstance)) throw badRequest('hookInstance must be a UUID', ['hookInstance']);
  if (body.fhirServer !== undefined && (typeof body.fhirServer !== 'string' || !/^https?:\/\//.test(body.fhirServer))) throw badRequest('fhirServer must be an absolute URL', ['fhirServer']);
  if (body.fhirAuthorization !== undefined) {
    const a = body.fhirAuthorization;
    if (!isObject(a) || typeof a.access_token !== 'string' || a.token_type !== 'Bearer' || typeof a.scope !== 'string' || typeof a.subject !== 'string' || typeof a.expires_in !== 'number') {
      throw badRequest('fhirAuthorization needs access_token, token_type "Bearer", expires_in, scope and subject', ['fhirAuthorization']);
    }
  }
  const c = body.context;
  if (!isObject(c)) throw badRequest('context must be an object', ['context']);
  if (typeof c.userId !== 'string' || !REF.test(c.userId)) throw badRequest('context.userId must be a reference such as Practitioner/123', ['context.userId']);
  if (typeof c.patientId !== 'string' || !ID.test(c.patientId)) throw badRequest('context.patientId must be a Patient id', ['context.patientId']);
  if (c.encounterId !== undefined && (typeof c.encounterId !== 'string' || !ID.test(c.encounterId))) throw badRequest('context.encounterId must be an Encounter id', ['context.encounterId']);
  const context: HookRequest['context'] = { userId: c.userId, patientId: c.patientId, ...(typeof c.encounterId === 'string' ? { encounterId: c.encounterId } : {}) };
  if (hook === 'order-select' || hook === 'order-sign') context.draftOrders = draftOrders(c.draftOrders);
  if (hook === 'order-select') {
    if (!Array.isArray(c.selections) || c.selections.length === 0 || !c.selections.every((s) => typeof s === 'string' && REF.test(s))) {
      throw badRequest('context.selections must be a non-empty array of references such as MedicationRequest/<draft id>', ['context.selections']);
    }
    const ids = new Set((context.draftOrders!.entry ?? []).map((e) => `${e.resource!.resourceType}/${e.resource!.id}`));
    const unknown = c.selections.find((s) => !ids.has(s as string));
    if (unknown !== undefined) throw badRequest(`context.selections names ${String(unknown)}, which is not in draftOrders`, ['context.selections']);
    context.selections = c.selections as string[];
  }
  const pf = prefetch(body.prefetch);
  return {
    hook,
    hookInstance: body.hookInstance,
    ...(typeof body.fhirServer === 'string' ? { fhirServer: body.fhirServer } : {}),
    ...(body.fhirAuthorization ? { fhirAuthorization: body.fhirAuthorization as HookRequest['fhirAuthorization'] & object } : {}),
    context,
    ...(pf ? { prefetch: pf } : {}),
  };
}
