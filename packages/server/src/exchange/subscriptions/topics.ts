/**
 * The topics this server offers (TOPICS in exchange/codes.ts), as pure functions of a write: the
 * resource as stored and the version it replaces. An event happens when a resource *enters* a
 * state, so that re-saving a final report does not notify twice:
 * - new-result: a DiagnosticReport, or a laboratory Observation, becoming final, amended or corrected;
 * - admission: an inpatient, emergency or acute Encounter becoming in-progress or arrived;
 * - discharge: an Encounter with a hospitalization (or inpatient class) becoming finished.
 * No I/O here; `mayBeEvent` is the cheap test run on every write before anything is read.
 */
import type { DiagnosticReport, Encounter, Observation, Resource } from '@medplum/fhirtypes';
import { TOPICS } from '../codes.ts';

export interface TopicEvent {
  topic: string;
  /** The patient the event is about (`Patient/x` → `x`); undefined when the resource names none. */
  patient?: string;
}

const RESULT_STATUSES = new Set(['final', 'amended', 'corrected']);
const ADMITTED = new Set(['in-progress', 'arrived']);
const ADMISSION_CLASSES = new Set(['IMP', 'EMER', 'ACUTE']);
const LAB_CATEGORY = 'laboratory';

/** The resource types a topic may fire on. */
export const TOPIC_TYPES: readonly string[] = ['DiagnosticReport', 'Observation', 'Encounter'];

/** Whether the stored resource could be an event (checked before the previous version is read). */
export function mayBeEvent(resource: Resource | null): boolean {
  if (!resource) return false;
  if (resource.resourceType === 'DiagnosticReport') return RESULT_STATUSES.has(resource.status);
  if (resource.resourceType === 'Observation') return RESULT_STATUSES.has(resource.status) && isLab(resource);
  if (resource.resourceType === 'Encounter') return ADMITTED.has(resource.status) || resource.status === 'finished';
  return false;
}

/** The events a write causes: `resource` is the stored version, `previous` the one it replaced. */
export function topicEvents(resource: Resource | null, previous: Resource | undefined): TopicEvent[] {
  if (!resource || !mayBeEvent(resource)) return [];
  const was = (previous as { status?: string } | undefined)?.status;
  if (resource.resourceType === 'DiagnosticReport' || resource.resourceType === 'Observation') return was === resource.status ? [] : [event(TOPICS.newResult, resource)];
  if (resource.resourceType === 'Encounter') return encounterEvents(resource, was);
  return [];
}

function encounterEvents(e: Encounter, was: string | undefined): TopicEvent[] {
  const cls = e.class?.code ?? '';
  if (ADMITTED.has(e.status) && ADMISSION_CLASSES.has(cls) && !(was !== undefined && ADMITTED.has(was))) return [event(TOPICS.admission, e)];
  if (e.status === 'finished' && was !== 'finished' && (e.hospitalization !== undefined || cls === 'IMP')) return [event(TOPICS.discharge, e)];
  return [];
}

function isLab(o: Observation): boolean {
  return (o.category ?? []).some((c) => (c.coding ?? []).some((x) => x.code === LAB_CATEGORY));
}

function event(topic: string, r: DiagnosticReport | Observation | Encounter): TopicEvent {
  const ref = r.subject?.reference;
  const m = typeof ref === 'string' ? /^Patient\/([A-Za-z0-9.-]{1,64})$/.exec(ref) : null;
  return { topic, ...(m ? { patient: m[1]! } : {}) };
}
