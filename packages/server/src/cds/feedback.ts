/**
 * CDS Hooks 2.0 feedback: checks the body (`{ feedback: [...] }`) and turns each entry into an
 * audit-trail entry naming who acted, on which patient, which card and rule, the outcome and the
 * override reason. The reason goes into the entry's detail, which the AuditEvent view shows as
 * `outcomeDesc`, so an auditor finds it with `/fhir/AuditEvent?patient=<id>`. Pure.
 */
import { badRequest } from '@continuum/fhir';
import type { Coding } from '@medplum/fhirtypes';
import type { Principal } from '../access/policy.ts';
import type { AuditRecord } from '../auth/audit-sink.ts';
import type { IssuedCard } from './card-log.ts';
import { isUuid } from './request.ts';
import type { Feedback } from './types.ts';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function coding(v: unknown, where: string): Coding {
  if (!isObject(v) || typeof v.code !== 'string' || v.code === '' || (v.system !== undefined && typeof v.system !== 'string') || (v.display !== undefined && typeof v.display !== 'string')) {
    throw badRequest(`${where} must be a Coding with a code`, [where]);
  }
  return { ...(typeof v.system === 'string' ? { system: v.system } : {}), code: v.code, ...(typeof v.display === 'string' ? { display: v.display } : {}) };
}

export function parseFeedback(body: unknown): Feedback[] {
  if (!isObject(body) || !Array.isArray(body.feedback) || body.feedback.length === 0) throw badRequest('The body must be { "feedback": [ ... ] } with at least one entry', ['feedback']);
  if (body.feedback.length > 100) throw badRequest('At most 100 feedback entries per request', ['feedback']);
  return body.feedback.map((f: unknown, i): Feedback => {
    const at = `feedback[${i}]`;
    if (!isObject(f)) throw badRequest(`${at} must be an object`, [at]);
    if (!isUuid(f.card)) throw badRequest(`${at}.card must be the uuid of a card`, [`${at}.card`]);
    if (f.outcome !== 'accepted' && f.outcome !== 'overridden') throw badRequest(`${at}.outcome must be 'accepted' or 'overridden'`, [`${at}.outcome`]);
    if (typeof f.outcomeTimestamp !== 'string' || !ISO.test(f.outcomeTimestamp) || Number.isNaN(Date.parse(f.outcomeTimestamp))) {
      throw badRequest(`${at}.outcomeTimestamp must be an ISO 8601 date-time`, [`${at}.outcomeTimestamp`]);
    }
    const out: Feedback = { card: f.card, outcome: f.outcome, outcomeTimestamp: f.outcomeTimestamp };
    if (f.acceptedSuggestions !== undefined) {
      if (f.outcome !== 'accepted') throw badRequest(`${at}.acceptedSuggestions is only for outcome 'accepted'`, [`${at}.acceptedSuggestions`]);
      if (!Array.isArray(f.acceptedSuggestions) || !f.acceptedSuggestions.every((s) => isObject(s) && isUuid(s.id))) {
        throw badRequest(`${at}.acceptedSuggestions must be [{ "id": <suggestion uuid> }]`, [`${at}.acceptedSuggestions`]);
      }
      out.acceptedSuggestions = f.acceptedSuggestions.map((s) => ({ id: (s as { id: string }).id }));
    }
    if (f.overrideReason !== undefined) {
      if (f.outcome !== 'overridden') throw badRequest(`${at}.overrideReason is only for outcome 'overridden'`, [`${at}.overrideReason`]);
      const r = f.overrideReason;
      if (!isObject(r) || (r.userComment !== undefined && typeof r.userComment !== 'string') || (r.reason === undefined && r.userComment === undefined)) {
        throw badRequest(`${at}.overrideReason needs a reason (Coding) or a userComment`, [`${at}.overrideReason`]);
      }
      if (typeof r.userComment === 'string' && r.userComment.length > 2000) throw badRequest(`${at}.overrideReason.userComment is longer than 2000 characters`, [`${at}.overrideReason.userComment`]);
      out.overrideReason = {
        ...(r.reason !== undefined ? { reason: coding(r.reason, `${at}.overrideReason.reason`) } : {}),
        ...(typeof r.userComment === 'string' ? { userComment: r.userComment } : {}),
      };
    }
    return out;
  });
}

/** One line for the audit entry's detail; the comment is the clinician's own words, kept whole. */
export function feedbackDetail(f: Feedback, card: IssuedCard): string {
  const parts = [`CDS feedback: ${f.outcome}`, `card ${card.uuid}`, `rule ${card.rule}`, `indicator ${card.indicator}`, `summary "${card.summary}"`];
  if (f.acceptedSuggestions?.length) parts.push(`accepted suggestion(s) ${f.acceptedSuggestions.map((s) => s.id).join(' ')}`);
  const r = f.overrideReason;
  if (r?.reason) parts.push(`override reason ${r.reason.system ?? ''}|${r.reason.code}${r.reason.display ? ` (${r.reason.display})` : ''}`);
  if (r?.userComment) parts.push(`comment "${r.userComment}"`);
  parts.push(`at ${f.outcomeTimestamp}`);
  return parts.join('; ');
}

export function feedbackAudit(p: Principal, f: Feedback, card: IssuedCard, ip: string): AuditRecord {
  return {
    tenant: p.tenant,
    action: 'operation',
    outcome: 'success',
    ...(p.userId ? { userId: p.userId } : {}),
    ...(p.username ? { username: p.username } : {}),
    ...(p.roles.length ? { role: p.roles.join(' ') } : {}),
    clientId: p.clientId,
    patients: [card.patientId],
    resource: `cds-services/${card.serviceId}/feedback`,
    sourceIp: ip,
    detail: feedbackDetail(f, card),
  };
}
