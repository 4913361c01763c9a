/**
 * `Patient/[id]/$everything` (GET, or POST with the parameters in the URL or in a Parameters
 * body): a `searchset` Bundle of every current resource in the patient's compartment (the
 * Patient itself included) as `match` entries, plus the non-patient resources each page's members
 * reference (Practitioner, Organization, Location, Medication, ...) as `include` entries, each
 * once per page. A referenced resource may appear again on a later page; one in any patient's
 * compartment is never included (see search/everything.ts).
 *
 * Parameters: `_since` (only resources last updated at or after it, members and included alike),
 * `_type` (comma-separated, repeatable: only these types), `start` and `end` (care dates, below),
 * `_count` (page size, capped at MAX_COUNT), the opaque `_cursor` of `next` links, and `_elements`
 * and `_summary` (true, text, data), which shape the members as they shape search matches. An
 * unknown patient is a 404, a deleted one a 410.
 *
 * `start` and `end` are dates (or dateTimes), each optional, bounding the care dates of interest
 * from the start of `start` to the end of `end`. R4 does not say which date is a resource's care
 * date; Continuum takes R4's `clinical-date` search parameter (an Encounter's period, an
 * Observation's effective time, a Procedure's performed time...: see `careDateTypes`). A resource
 * with such a date is kept when it overlaps the range; a resource without one (the Patient, a
 * Condition, a MedicationRequest, an Observation with no effective time) is always kept, as the
 * operation's definition has the range select records, not drop those that carry no date.
 */
import type { Bundle, BundleEntry, Parameters, Resource } from '@medplum/fhirtypes';
import { badRequest, CARE_DATE_PARAM, careDateTypes, isResourceType, searchDate, splitOr } from '@continuum/fhir';
import type { CareRange } from '../../search/everything.ts';
import { decodeCursor, encodeCursor, pageSize } from '../paging.ts';
import { shape } from '../respond.ts';
import type { ApiContext, FhirRequest, FhirResponse } from '../types.ts';

const isRid = (v: unknown): v is { after: number } => Number.isInteger((v as { after?: unknown })?.after);

const OPERATION_PARAMS = new Set(['_since', '_type', '_count', '_cursor', 'start', 'end', '_elements', '_summary']);
/** Repeated in next links, in this order. */
const KEPT_PARAMS = ['_since', 'start', 'end', '_elements', '_summary'] as const;
const SUMMARY_MODES = new Set(['true', 'text', 'data', 'false']);

/** The URL's parameters, then those of a POSTed Parameters resource, as name/value text pairs. */
function operationParams(req: FhirRequest): [string, string][] {
  const out: [string, string][] = req.query.filter(([k]) => OPERATION_PARAMS.has(k)).map(([k, v]) => [k, v]);
  if (req.method !== 'POST' || req.body === undefined) return out;
  const body = req.body as Parameters;
  if (typeof body !== 'object' || body === null || body.resourceType !== 'Parameters') {
    throw badRequest('$everything takes its parameters in the URL or in a Parameters resource');
  }
  for (const p of body.parameter ?? []) {
    if (!p.name || !OPERATION_PARAMS.has(p.name)) continue;
    const v = p.valueInstant ?? p.valueDateTime ?? p.valueDate ?? p.valueCode ?? p.valueString ?? p.valueInteger ?? p.valuePositiveInt ?? p.valueUnsignedInt;
    if (v === undefined) throw badRequest(`Parameter '${p.name}' of $everything has no usable value`);
    out.push([p.name, String(v)]);
  }
  return out;
}

/** The care-date range of `start` and `end`; undefined when neither is given. */
function careRange(ctx: ApiContext, start: string | undefined, end: string | undefined): CareRange | undefined {
  if (start === undefined && end === undefined) return undefined;
  const date = (name: string, text: string) => {
    const range = searchDate(text);
    if (!range) throw badRequest(`${name} must be a FHIR date, got '${text}'`);
    return range;
  };
  const low = start === undefined ? '-infinity' : date('start', start).low;
  const high = end === undefined ? 'infinity' : date('end', end).high;
  if (start !== undefined && end !== undefined && Date.parse(low) >= Date.parse(high)) throw badRequest(`start (${start}) is after end (${end})`);
  return { low, high, types: careDateTypes(ctx.repo.indexer.registry), param: CARE_DATE_PARAM };
}

export async function everythingOperation(ctx: ApiContext, req: FhirRequest, patientId: string): Promise<FhirResponse> {
  const params = operationParams(req);
  const one = (name: string): string | undefined => params.find(([k]) => k === name)?.[1];
  const count = pageSize(one('_count'));
  if (count === 0) throw badRequest('_count must be at least 1 for $everything');
  const sinceRaw = one('_since');
  let since: string | undefined;
  if (sinceRaw !== undefined) {
    const range = searchDate(sinceRaw);
    if (!range) throw badRequest(`_since must be a FHIR instant, got '${sinceRaw}'`);
    since = range.low;
  }
  const typeValues = params.filter(([k]) => k === '_type').flatMap(([, v]) => splitOr(v).map((t) => t.trim()));
  for (const t of typeValues) if (!isResourceType(t)) throw badRequest(`_type names an unknown resource type '${t}'`);
  const care = careRange(ctx, one('start'), one('end'));
  const summary = one('_summary');
  if (summary !== undefined && !SUMMARY_MODES.has(summary)) throw badRequest('_summary on $everything must be one of true, text, data, false');
  const cursor = one('_cursor');
  const after = cursor !== undefined ? decodeCursor(cursor, isRid).after : undefined;
  await ctx.repo.readStored('Patient', patientId);

  const page = await ctx.repo.everything({
    patientId,
    count,
    ...(after !== undefined ? { afterRid: after } : {}),
    ...(since !== undefined ? { since } : {}),
    ...(typeValues.length > 0 ? { types: [...new Set(typeValues)] } : {}),
    ...(care !== undefined ? { care } : {}),
  });

  const base = `${ctx.baseUrl}/Patient/${encodeURIComponent(patientId)}/$everything`;
  const keep = new URLSearchParams();
  for (const name of KEPT_PARAMS) {
    const value = one(name);
    if (value !== undefined) keep.set(name, value);
  }
  if (typeValues.length > 0) keep.set('_type', [...new Set(typeValues)].join(','));
  keep.set('_count', String(count));
  const self = new URLSearchParams(keep);
  if (cursor !== undefined) self.set('_cursor', cursor);
  const link: Bundle['link'] = [{ relation: 'self', url: `${base}?${self.toString()}` }];
  if (page.nextAfter !== undefined) {
    keep.set('_cursor', encodeCursor({ after: page.nextAfter }));
    link.push({ relation: 'next', url: `${base}?${keep.toString()}` });
  }
  // Shaped as search shapes its matches: members only, includes whole.
  const shaping: FhirRequest = { ...req, query: params };
  const entry = (mode: 'match' | 'include') => (r: { resourceType: string; id: string; content: string }): BundleEntry => {
    const resource = JSON.parse(r.content) as Resource;
    return {
      fullUrl: `${ctx.baseUrl}/${r.resourceType}/${r.id}`,
      resource: (mode === 'match' ? shape(shaping, () => resource) : undefined) ?? resource,
      search: { mode },
    };
  };
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'searchset',
    link,
    entry: [...page.members.map(entry('match')), ...page.included.map(entry('include'))],
  };
  return { status: 200, headers: {}, body: bundle };
}
