/**
 * What the timeline lists, one FHIR search per source: the resource type, the category of entry
 * it belongs to (the filter chips), the search parameter its date goes by (for `_sort` and the
 * date-range filter), and how one resource reads as a line (date, title, detail). It does no I/O.
 */
import type { Communication, Composition, DiagnosticReport, DocumentReference, Encounter, Immunization, MedicationRequest, Observation, Period, Procedure, Resource, ResourceType, ServiceRequest } from '@medplum/fhirtypes';
import { conceptText, observationValue, refText } from '../../fhir/format.ts';
import { upperBound } from './sort-key.ts';

export const TIMELINE_KINDS = ['encounter', 'note', 'result', 'order', 'immunization', 'procedure', 'message'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export const KIND_LABELS: Record<TimelineKind, string> = {
  encounter: 'Encounters',
  note: 'Notes',
  result: 'Results',
  order: 'Orders',
  immunization: 'Immunizations',
  procedure: 'Procedures',
  message: 'Messages',
};

export interface TimelineEntry {
  /** `Type/id`: unique across sources. */
  ref: string;
  kind: TimelineKind;
  /** What the server sorted by (see sort-key.ts); undefined sorts last. */
  sortKey: string | undefined;
  /** The date shown (the start of a period). */
  date: string | undefined;
  title: string;
  detail?: string;
  resource: Resource;
}

export interface TimelineSource {
  type: ResourceType;
  kind: TimelineKind;
  /** The search parameter of the entry's date. */
  dateParam: string;
  /** Extra criteria (e.g. only laboratory Observations). */
  criteria?: Record<string, string>;
  toEntry: (r: Resource) => TimelineEntry;
}

const periodKey = (p: Period | undefined): string | undefined => (p?.end ? upperBound(p.end) : undefined);

function entry(r: Resource, kind: TimelineKind, sortKey: string | undefined, date: string | undefined, title: string, detail?: string): TimelineEntry {
  return { ref: `${r.resourceType}/${r.id ?? ''}`, kind, sortKey, date, title, ...(detail ? { detail } : {}), resource: r };
}

const joinText = (...parts: (string | undefined)[]): string | undefined => parts.filter(Boolean).join(' · ') || undefined;

export const TIMELINE_SOURCES: readonly TimelineSource[] = [
  {
    type: 'Encounter', kind: 'encounter', dateParam: 'date',
    toEntry: (r) => {
      const e = r as Encounter;
      return entry(e, 'encounter', periodKey(e.period), e.period?.start ?? e.period?.end, e.type?.[0] ? conceptText(e.type[0]) : (e.class?.display ?? 'Encounter'), joinText(e.reasonCode?.[0] && conceptText(e.reasonCode[0]), refText(e.serviceProvider)));
    },
  },
  {
    type: 'DocumentReference', kind: 'note', dateParam: 'date',
    toEntry: (r) => {
      const d = r as DocumentReference;
      return entry(d, 'note', upperBound(d.date), d.date, conceptText(d.type), joinText(d.author?.map(refText).filter(Boolean).join(', '), d.description));
    },
  },
  {
    // Signed notes only: a draft is its author's work in progress, an entered-in-error note is void.
    type: 'Composition', kind: 'note', dateParam: 'date', criteria: { status: 'final,amended' },
    toEntry: (r) => {
      const c = r as Composition;
      return entry(c, 'note', upperBound(c.date), c.date, c.title || conceptText(c.type), c.author?.map(refText).filter(Boolean).join(', '));
    },
  },
  {
    type: 'Observation', kind: 'result', dateParam: 'date', criteria: { category: 'laboratory' },
    toEntry: (r) => {
      const o = r as Observation;
      const key = o.effectiveDateTime ? upperBound(o.effectiveDateTime) : o.effectivePeriod ? periodKey(o.effectivePeriod) : upperBound(o.effectiveInstant);
      return entry(o, 'result', key, o.effectiveDateTime ?? o.effectivePeriod?.start ?? o.effectiveInstant, conceptText(o.code), observationValue(o));
    },
  },
  {
    type: 'DiagnosticReport', kind: 'result', dateParam: 'date',
    toEntry: (r) => {
      const d = r as DiagnosticReport;
      const key = d.effectiveDateTime ? upperBound(d.effectiveDateTime) : periodKey(d.effectivePeriod);
      return entry(d, 'result', key, d.effectiveDateTime ?? d.effectivePeriod?.start, conceptText(d.code), joinText(d.conclusion, refText(d.performer?.[0])));
    },
  },
  {
    type: 'MedicationRequest', kind: 'order', dateParam: 'authoredon',
    toEntry: (r) => {
      const m = r as MedicationRequest;
      const name = m.medicationCodeableConcept ? conceptText(m.medicationCodeableConcept) : (refText(m.medicationReference) ?? 'Medication');
      return entry(m, 'order', upperBound(m.authoredOn), m.authoredOn, name, joinText(m.status, m.dosageInstruction?.[0]?.text));
    },
  },
  {
    type: 'ServiceRequest', kind: 'order', dateParam: 'authored',
    toEntry: (r) => {
      const s = r as ServiceRequest;
      return entry(s, 'order', upperBound(s.authoredOn), s.authoredOn, conceptText(s.code), s.status);
    },
  },
  {
    type: 'Immunization', kind: 'immunization', dateParam: 'date',
    toEntry: (r) => {
      const i = r as Immunization;
      return entry(i, 'immunization', upperBound(i.occurrenceDateTime), i.occurrenceDateTime ?? i.occurrenceString, conceptText(i.vaccineCode), i.status);
    },
  },
  {
    type: 'Procedure', kind: 'procedure', dateParam: 'date',
    toEntry: (r) => {
      const p = r as Procedure;
      const key = p.performedDateTime ? upperBound(p.performedDateTime) : periodKey(p.performedPeriod);
      return entry(p, 'procedure', key, p.performedDateTime ?? p.performedPeriod?.start, conceptText(p.code), p.status);
    },
  },
  {
    type: 'Communication', kind: 'message', dateParam: 'sent',
    toEntry: (r) => {
      const c = r as Communication;
      const text = c.payload?.find((p) => p.contentString)?.contentString;
      return entry(c, 'message', upperBound(c.sent), c.sent, c.topic ? conceptText(c.topic) : c.category?.[0] ? conceptText(c.category[0]) : 'Message', joinText(refText(c.sender), text));
    },
  },
];

export interface DateRangeFilter {
  /** Inclusive `YYYY-MM-DD` bounds. */
  from?: string;
  to?: string;
}

/** The first-page search of one source: newest first, `count` a page, within the date range. */
export function sourceSearch(source: TimelineSource, patientId: string, range: DateRangeFilter, count: number): [string, string][] {
  const params: [string, string][] = [['patient', patientId], ...Object.entries(source.criteria ?? {}), ['_sort', `-${source.dateParam}`], ['_count', String(count)]];
  if (range.from) params.push([source.dateParam, `ge${range.from}`]);
  if (range.to) params.push([source.dateParam, `le${range.to}`]);
  return params;
}
