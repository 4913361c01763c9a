/**
 * The audit trail seen through FHIR: `GET /AuditEvent?...` and `GET /AuditEvent/{id}` answer
 * from the append-only chain (audit/), never from the resource store, so an audit entry cannot
 * be written, changed or deleted through the API (those interactions are a 405).
 *
 * Search parameters (the audit report): `patient` (or `entity`) a Patient id or `Patient/id`;
 * `agent` or `user` a user id or user name; `date` with `ge`/`gt`/`le`/`lt` prefixes (or a bare
 * day); `action` a Continuum action (read, search, login, break-glass...); `_count`; paging by
 * keyset (`_cursor`, in the `next` link). Newest first (`_sort=-date` may say so; no other order).
 *
 * Who may search it: auditors and administrators (their role grants AuditEvent), system clients
 * with an AuditEvent scope, and a patient (or proxy), who sees only the entries about their own
 * record: "who has accessed my record". An entry that also names other patients (a staff search
 * that listed several) is shown to them without those patients, the resource and the query.
 */
import type { AuditEvent, Bundle } from '@medplum/fhirtypes';
import { badRequest, forbidden, methodNotAllowed, notFound } from '@continuum/fhir';
import { permits } from '../../access/policy.ts';
import type { AuditFilter } from '../../audit/audit-repository.ts';
import type { AuditRow } from '../../audit/types.ts';
import type { ApiContext, FhirRequest, FhirResponse } from '../types.ts';

/** What this view needs of the trail. */
export interface AuditReader {
  search(filter: AuditFilter): Promise<AuditRow[]>;
  toAuditEvent(row: AuditRow): AuditEvent;
}

const ID = /^[A-Za-z0-9.-]{1,64}$/;

function dateBound(value: string): { from?: Date; to?: Date } {
  const m = /^(ge|gt|le|lt|eq)?(\d{4}-\d{2}-\d{2}(?:T[0-9:.]+(?:Z|[+-]\d{2}:\d{2}))?)$/.exec(value);
  if (!m) throw badRequest(`date '${value}' must be a date or dateTime with an optional ge/gt/le/lt prefix`);
  const at = new Date(m[2]!.length === 10 ? `${m[2]}T00:00:00Z` : m[2]!);
  if (Number.isNaN(at.getTime())) throw badRequest(`date '${value}' is not a valid date`);
  const dayEnd = new Date(at.getTime() + (m[2]!.length === 10 ? 86_400_000 : 1));
  switch (m[1] as 'ge' | 'gt' | 'le' | 'lt' | 'eq' | undefined) {
    case 'ge':
      return { from: at };
    case 'gt':
      return { from: dayEnd };
    case 'le':
      return { to: dayEnd };
    case 'lt':
      return { to: at };
    case 'eq':
    case undefined:
      return { from: at, to: dayEnd };
  }
  return {};
}

function scopeOfCaller(ctx: ApiContext): { patientOnly?: readonly string[] } {
  const p = ctx.principal;
  if (!p) return {};
  if (p.kind === 'patient' || p.kind === 'proxy') return { patientOnly: p.patients ?? (p.patient ? [p.patient] : []) };
  if (!permits(p, 'search', 'AuditEvent')) throw forbidden('Your access does not include the audit trail');
  return {};
}

export async function auditSearch(ctx: ApiContext, req: FhirRequest): Promise<FhirResponse> {
  if (!ctx.audit) throw notFound('This server does not expose its audit trail here');
  const { patientOnly } = scopeOfCaller(ctx);
  const filter: AuditFilter = { tenant: ctx.repo.tenantId };
  let count = 50;
  for (const [k, v] of req.query) {
    switch (k) {
      case 'patient':
      case 'entity': {
        const id = v.replace(/^Patient\//, '');
        if (!ID.test(id)) throw badRequest(`${k} must be a Patient id`);
        filter.patient = id;
        break;
      }
      case 'agent':
      case 'user':
        filter.user = v.replace(/^(Practitioner|PractitionerRole|Patient|RelatedPerson)\//, '');
        break;
      case 'date': {
        const b = dateBound(v);
        if (b.from) filter.from = b.from;
        if (b.to) filter.to = b.to;
        break;
      }
      case 'action':
      case 'subtype':
        filter.action = v;
        break;
      case '_count':
        count = Number(v);
        if (!Number.isInteger(count) || count < 1) throw badRequest('_count must be a positive integer');
        count = Math.min(count, 1000);
        break;
      case '_cursor':
        if (!/^[0-9]{1,18}$/.test(v)) throw badRequest('_cursor is not valid');
        filter.after = v;
        break;
      case '_sort':
        if (v !== '-date') throw badRequest("AuditEvent search is newest first: _sort may only be '-date'");
        break;
      case '_format':
      case '_pretty':
        break;
      default:
        throw badRequest(`AuditEvent search does not support '${k}'; use patient, agent, date, action, _sort=-date and _count`);
    }
  }
  if (patientOnly) {
    if (filter.patient === undefined) filter.patient = patientOnly[0];
    if (!filter.patient || !patientOnly.includes(filter.patient)) throw forbidden('You may see the access log of your own record only');
  }
  filter.count = count + 1;
  const rows = await ctx.audit.search(filter);
  const page = rows.slice(0, count);
  const self = `${ctx.baseUrl}/AuditEvent?${req.query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`;
  const link: Bundle['link'] = [{ relation: 'self', url: self }];
  if (rows.length > count) {
    const q = req.query.filter(([k]) => k !== '_cursor');
    q.push(['_cursor', page[page.length - 1]!.seq]);
    link.push({ relation: 'next', url: `${ctx.baseUrl}/AuditEvent?${q.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}` });
  }
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'searchset',
    link,
    entry: page.map((row) => {
      const event = seenBy(ctx.audit!.toAuditEvent(row), row, patientOnly);
      return { fullUrl: `${ctx.baseUrl}/AuditEvent/${event.id}`, resource: event, search: { mode: 'match' } };
    }),
  };
  return { status: 200, headers: {}, body: bundle };
}

export async function auditRead(ctx: ApiContext, _req: FhirRequest, id: string): Promise<FhirResponse> {
  if (!ctx.audit) throw notFound('This server does not expose its audit trail here');
  if (!/^[0-9]{1,18}$/.test(id)) throw notFound(`AuditEvent/${id} is not known`);
  const { patientOnly } = scopeOfCaller(ctx);
  const after = (BigInt(id) + 1n).toString();
  const rows = await ctx.audit.search({ tenant: ctx.repo.tenantId, after, count: 1 });
  const row = rows[0];
  if (!row || row.seq !== id) throw notFound(`AuditEvent/${id} is not known`);
  if (patientOnly && !row.patients.some((p) => patientOnly.includes(p))) throw notFound(`AuditEvent/${id} is not known`);
  return { status: 200, headers: {}, body: seenBy(ctx.audit.toAuditEvent(row), row, patientOnly) };
}

/** The entry as a patient (or proxy) may see it: nothing about another patient. */
function seenBy(event: AuditEvent, row: AuditRow, patientOnly: readonly string[] | undefined): AuditEvent {
  if (!patientOnly || row.patients.every((id) => patientOnly.includes(id))) return event;
  const own = (event.entity ?? []).filter((e) => patientOnly.some((id) => e.what?.reference === `Patient/${id}`));
  return { ...event, entity: own };
}

export async function auditWrite(): Promise<FhirResponse> {
  throw methodNotAllowed('The audit trail is append-only: AuditEvents are recorded by the server and cannot be written, changed or deleted');
}
