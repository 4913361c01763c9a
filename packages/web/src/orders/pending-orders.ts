/**
 * The pending orders list, pure: which of my orders still wait for a final result, how old each
 * is, whether it is overdue, its specimen's state, and the screen's filters. An order is overdue
 * when it has waited longer than its priority allows: STAT 4 hours, urgent 24 hours, routine
 * (and anything else) 7 days. Time is a parameter.
 */
import type { Patient, ServiceRequest, Specimen } from '@medplum/fhirtypes';
import { isImagingOrder } from '../clinician/orders/lab-model.ts';

export const OVERDUE_AFTER_HOURS: Record<string, number> = { stat: 4, asap: 4, urgent: 24, routine: 7 * 24 };

export interface PendingRow {
  order: ServiceRequest;
  patient: Patient | undefined;
  kind: 'lab' | 'imaging';
  ageHours: number;
  overdue: boolean;
  specimen: string;
}

export interface PendingFilter {
  priority: 'all' | 'stat' | 'urgent' | 'routine';
  kind: 'all' | 'lab' | 'imaging';
  overdueOnly: boolean;
  text: string;
}

export const noFilter = (): PendingFilter => ({ priority: 'all', kind: 'all', overdueOnly: false, text: '' });

export function isOverdue(priority: string | undefined, ageHours: number): boolean {
  return ageHours > (OVERDUE_AFTER_HOURS[priority ?? 'routine'] ?? OVERDUE_AFTER_HOURS.routine!);
}

/** "35 min", "5 h", "3 d". */
export function ageText(hours: number): string {
  if (hours < 1) return `${Math.max(0, Math.round(hours * 60))} min`;
  if (hours < 48) return `${Math.floor(hours)} h`;
  return `${Math.floor(hours / 24)} d`;
}

/** The state of an order's specimen(s): collected (and when) or still to be collected. */
export function specimenState(order: ServiceRequest, specimens: ReadonlyMap<string, Specimen>): string {
  if (isImagingOrder(order)) return 'Not applicable';
  const found = (order.specimen ?? []).flatMap((r) => (r.reference && specimens.has(r.reference) ? [specimens.get(r.reference)!] : []));
  if (found.length === 0) return (order.specimen ?? []).length > 0 ? 'Specimen unknown' : 'No specimen stated';
  const kinds = found.map((s) => s.type?.text ?? s.type?.coding?.[0]?.display ?? 'Specimen').join(', ');
  const collected = found.every((s) => s.collection?.collectedDateTime || s.collection?.collectedPeriod?.start);
  return `${kinds}: ${collected ? 'collected' : 'to be collected'}`;
}

export function pendingRows(orders: ServiceRequest[], patients: ReadonlyMap<string, Patient>, specimens: ReadonlyMap<string, Specimen>, now: Date): PendingRow[] {
  return orders
    .filter((o) => o.status === 'active' || o.status === 'on-hold')
    .map((o) => {
      const ageHours = o.authoredOn ? (now.getTime() - Date.parse(o.authoredOn)) / 3_600_000 : 0;
      return {
        order: o,
        patient: o.subject?.reference ? patients.get(o.subject.reference) : undefined,
        kind: isImagingOrder(o) ? ('imaging' as const) : ('lab' as const),
        ageHours,
        overdue: isOverdue(o.priority, ageHours),
        specimen: specimenState(o, specimens),
      };
    })
    .sort((a, b) => b.ageHours - a.ageHours);
}

export function applyFilter(rows: PendingRow[], f: PendingFilter, patientName: (r: PendingRow) => string): PendingRow[] {
  const text = f.text.trim().toLowerCase();
  return rows.filter(
    (r) =>
      (f.priority === 'all' || (r.order.priority ?? 'routine') === f.priority || (f.priority === 'stat' && r.order.priority === 'asap')) &&
      (f.kind === 'all' || r.kind === f.kind) &&
      (!f.overdueOnly || r.overdue) &&
      (!text || patientName(r).toLowerCase().includes(text)),
  );
}
