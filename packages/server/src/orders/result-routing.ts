/**
 * The DiagnosticReport companion (see store/companions.ts): when a result is written, by any
 * client, in the same transaction:
 * - it is matched to its orders (`result-match.ts`);
 * - a final (or amended, corrected) report completes each matched order still active, as a new
 *   version of the ServiceRequest replacing the one read;
 * - it is routed to each ordering clinician (the orders' `requester`). A critical result (an
 *   Observation interpreted HH, LL or AA) gets a `stat` review Task owned by the requester, focus
 *   the report, that stays open until acknowledged (completing the Task records who and when).
 *   A report matched only through a placer number or its Observations gets a routine review Task,
 *   since the inbox finds other reports of my orders through their `basedOn`; one with `basedOn`
 *   and no critical result needs no Task (as the inbox's design has it).
 * The report itself is never rewritten: the match is recorded in the Task's `basedOn`.
 * A report that names no order, or is not yet a result (registered, partial, cancelled), is left.
 */
import type { DiagnosticReport, Observation, ServiceRequest, Task } from '@medplum/fhirtypes';
import type { Companion, CompanionWrite } from '../store/companions.ts';
import type { Repository } from '../store/repository.ts';
import { CRITICAL_INTERPRETATIONS, INTERPRETATION, REVIEW } from './codes.ts';
import { matchOrders, resultsOf } from './result-match.ts';

const RESULT = new Set(['preliminary', 'final', 'amended', 'corrected', 'appended']);
const FINAL = new Set(['final', 'amended', 'corrected', 'appended']);
const COMPLETABLE = new Set(['active', 'on-hold', 'draft']);
const OPEN = new Set(['draft', 'requested', 'received', 'accepted', 'ready', 'in-progress', 'on-hold']);

export const isCritical = (o: Observation): boolean =>
  [...(o.interpretation ?? []), ...(o.component ?? []).flatMap((c) => c.interpretation ?? [])].some((i) =>
    i.coding?.some((c) => (!c.system || c.system === INTERPRETATION) && CRITICAL_INTERPRETATIONS.has(c.code ?? '')),
  );

function reviewTask(report: DiagnosticReport, id: string, owner: string, orders: ServiceRequest[], critical: boolean, now: string): Task {
  return {
    resourceType: 'Task',
    status: 'requested',
    intent: 'order',
    priority: critical ? 'stat' : 'routine',
    code: { coding: [REVIEW], text: 'Review result' },
    description: critical ? 'Critical result: review and acknowledge' : 'New result to review',
    focus: { reference: `DiagnosticReport/${id}`, ...(report.code.text ? { display: report.code.text } : {}) },
    ...(report.subject ? { for: report.subject } : {}),
    owner: { reference: owner },
    basedOn: orders.map((o) => ({ reference: `ServiceRequest/${o.id}` })),
    authoredOn: now,
    lastModified: now,
  };
}

async function reviewTasks(repo: Repository, report: string, owner: string): Promise<Task[]> {
  const criteria = `focus=${encodeURIComponent(report)}&owner=${encodeURIComponent(owner)}&code=${encodeURIComponent(`${REVIEW.system}|${REVIEW.code}`)}`;
  const page = await repo.search(repo.parseCriteria('Task', criteria), { count: 100 });
  return page.matches.map((m) => JSON.parse(m.content) as Task);
}

export const routeResult: Companion = async (trigger, repo) => {
  const report = trigger.resource as DiagnosticReport | null;
  if (!report || report.resourceType !== 'DiagnosticReport' || !RESULT.has(report.status)) return [];
  const observations = await resultsOf(report, trigger.batch, repo);
  const match = await matchOrders(report, observations, trigger.batch, repo);
  if (match.orders.length === 0) return [];
  const now = report.meta?.lastUpdated ?? new Date().toISOString();
  const writes: CompanionWrite[] = [];
  if (FINAL.has(report.status)) {
    for (const order of match.orders) {
      const version = Number(order.meta?.versionId ?? 0);
      // An order written in this same batch is not stored yet: it cannot be replaced here.
      if (COMPLETABLE.has(order.status) && version > 0 && !trigger.batch?.has(`ServiceRequest/${order.id}`)) {
        writes.push({ resource: { ...order, status: 'completed' }, previousVersion: version });
      }
    }
  }
  const critical = observations.some(isCritical);
  const owners = [...new Set(match.orders.flatMap((o) => (o.requester?.reference?.match(/^(Practitioner|PractitionerRole)\//) ? [o.requester.reference] : [])))];
  const reportRef = `DiagnosticReport/${trigger.id}`;
  const changed = report.status === 'amended' || report.status === 'corrected';
  for (const owner of owners) {
    const tasks = await reviewTasks(repo, reportRef, owner);
    const stat = tasks.filter((t) => t.priority === 'stat' && t.status !== 'cancelled');
    // A critical result is raised once; an amended or corrected one again, once the last was acknowledged.
    const raise = critical && (stat.length === 0 || (changed && !stat.some((t) => OPEN.has(t.status))));
    if (raise) writes.push({ resource: reviewTask(report, trigger.id, owner, match.orders, true, now) });
    else if (!critical && match.via !== 'basedOn' && tasks.length === 0) writes.push({ resource: reviewTask(report, trigger.id, owner, match.orders, false, now) });
  }
  return writes;
};
