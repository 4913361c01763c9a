/**
 * Encounters as the documentation screens start and end them: an ambulatory (AMB) visit of a
 * chosen type, with its reason, the signed-in practitioner as primary performer, the start time
 * and the serving organization, in progress until it is ended (status finished, period.end).
 * Notes and vitals attach to the patient's current encounter: the newest one in progress. It
 * does no I/O.
 */
import type { Coding, Encounter, Organization, Practitioner, Reference } from '@medplum/fhirtypes';

const SNOMED = 'http://snomed.info/sct';

/** The visit types offered when starting an encounter. */
export const ENCOUNTER_TYPES: readonly Coding[] = [
  { system: SNOMED, code: '185347001', display: 'Problem visit' },
  { system: SNOMED, code: '390906007', display: 'Follow-up visit' },
  { system: SNOMED, code: '185345009', display: 'Symptom visit' },
  { system: SNOMED, code: '185349003', display: 'Check-up' },
];

export interface StartEncounter {
  patientId: string;
  typeCode: string;
  reason: string;
  practitioner: Reference<Practitioner>;
  serviceProvider?: Reference<Organization> | undefined;
  now: Date;
}

export function startedEncounter(s: StartEncounter): Encounter {
  const type = ENCOUNTER_TYPES.find((t) => t.code === s.typeCode) ?? ENCOUNTER_TYPES[0]!;
  const start = s.now.toISOString();
  return {
    resourceType: 'Encounter',
    status: 'in-progress',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: 'ambulatory' },
    type: [{ coding: [type], text: type.display }],
    subject: { reference: `Patient/${s.patientId}` },
    participant: [
      {
        type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'PPRF', display: 'primary performer' }] }],
        period: { start },
        individual: s.practitioner,
      },
    ],
    period: { start },
    ...(s.reason.trim() ? { reasonCode: [{ text: s.reason.trim() }] } : {}),
    ...(s.serviceProvider ? { serviceProvider: s.serviceProvider } : {}),
  };
}

/** The encounter ended now: finished, its period and the open participations closed. */
export function finishedEncounter(e: Encounter, now: Date): Encounter {
  const end = now.toISOString();
  return {
    ...e,
    status: 'finished',
    period: { ...e.period, end },
    ...(e.participant ? { participant: e.participant.map((p) => (p.period && !p.period.end ? { ...p, period: { ...p.period, end } } : p)) } : {}),
  };
}

/** The search for a patient's encounters in progress, newest first. */
export const inProgressCriteria = (patientId: string): Record<string, string> => ({ patient: patientId, status: 'in-progress', _sort: '-date', _count: '5' });
