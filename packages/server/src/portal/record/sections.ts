/**
 * The sections of the patient summary, after the International Patient Summary (IPS): for each,
 * its LOINC code, which of the patient's resources it lists, and the columns a reader sees. The
 * choice of resources is a clinician's: active problems (not resolved or refuted ones), current
 * medications, active allergies, given immunizations, the latest result of each lab test and of
 * each vital sign, and completed procedures. Pure: the record is read elsewhere (record-reader.ts).
 */
import type { AllergyIntolerance, Condition, Immunization, Medication, MedicationRequest, MedicationStatement, Observation, Procedure, Reference, Resource } from '@medplum/fhirtypes';
import { conceptText, dayText, NOT_RECORDED, observationValue } from './display.ts';

export const LOINC = 'http://loinc.org';
/** How many results and procedures the summary lists at most (the most recent ones). */
const MAX_RECENT = 25;

export type Resolve = (ref: Reference | undefined) => Resource | undefined;

export interface SectionDefinition {
  key: 'problems' | 'medications' | 'allergies' | 'immunizations' | 'results' | 'vitals' | 'procedures';
  title: string;
  loinc: string;
  loincDisplay: string;
  /** The resource types the section draws on. */
  types: readonly string[];
  columns: readonly string[];
  /** What a reader is told when there is nothing to list. */
  emptyText: string;
  /** The resources listed, in the order shown. */
  select(resources: readonly Resource[]): Resource[];
  /** One row of the section's table, one string per column. */
  row(resource: Resource, resolve: Resolve): string[];
}

const ofType = <T extends Resource>(resources: readonly Resource[], ...types: string[]): T[] =>
  resources.filter((r) => types.includes(r.resourceType)) as T[];
const codeOf = (cc: { coding?: { code?: string }[] } | undefined): string | undefined => cc?.coding?.[0]?.code;
const notRefuted = (v: { coding?: { code?: string }[] } | undefined): boolean => !['entered-in-error', 'refuted'].includes(codeOf(v) ?? '');
/** Newest first; undated last. */
const byDateDesc = <T extends Resource>(date: (r: T) => string | undefined) => (a: T, b: T): number => (date(b) ?? '').localeCompare(date(a) ?? '');

const conditionDate = (c: Condition): string | undefined => c.onsetDateTime ?? c.onsetPeriod?.start ?? c.recordedDate;
const observationDate = (o: Observation): string | undefined => o.effectiveDateTime ?? o.effectivePeriod?.start ?? o.effectiveInstant ?? o.issued;
const procedureDate = (p: Procedure): string | undefined => p.performedDateTime ?? p.performedPeriod?.start;

function hasCategory(o: Observation, code: string): boolean {
  return (o.category ?? []).some((cc) => (cc.coding ?? []).some((c) => c.code === code));
}

/** The newest final observation of each test in a category, newest first, at most MAX_RECENT. */
function latestPerTest(resources: readonly Resource[], category: string): Observation[] {
  const latest = new Map<string, Observation>();
  const sorted = ofType<Observation>(resources, 'Observation')
    .filter((o) => hasCategory(o, category) && ['final', 'amended', 'corrected', 'preliminary'].includes(o.status))
    .sort(byDateDesc(observationDate));
  for (const o of sorted) {
    const test = o.code.coding?.map((c) => `${c.system ?? ''}|${c.code ?? ''}`).sort().join(',') || conceptText(o.code);
    if (!latest.has(test)) latest.set(test, o);
  }
  return [...latest.values()].slice(0, MAX_RECENT);
}

function medicationName(r: MedicationRequest | MedicationStatement, resolve: Resolve): string {
  if (r.medicationCodeableConcept) return conceptText(r.medicationCodeableConcept);
  const ref = r.medicationReference?.reference;
  const contained = ref?.startsWith('#') ? r.contained?.find((c) => `#${c.id}` === ref) : undefined;
  const med = (contained ?? resolve(r.medicationReference)) as Medication | undefined;
  return med ? conceptText(med.code) : (r.medicationReference?.display ?? NOT_RECORDED);
}

const observationRow = (r: Resource): string[] => {
  const o = r as Observation;
  return [conceptText(o.code), observationValue(o), dayText(observationDate(o))];
};

export const SECTIONS: readonly SectionDefinition[] = [
  {
    key: 'problems',
    title: 'Problems',
    loinc: '11450-4',
    loincDisplay: 'Problem list - Reported',
    types: ['Condition'],
    columns: ['Problem', 'Status', 'Since'],
    emptyText: 'No current problems are recorded.',
    select: (resources) =>
      ofType<Condition>(resources, 'Condition')
        .filter((c) => ['active', 'recurrence', 'relapse', undefined].includes(codeOf(c.clinicalStatus)) && notRefuted(c.verificationStatus))
        .sort(byDateDesc(conditionDate)),
    row: (r) => {
      const c = r as Condition;
      return [conceptText(c.code), c.clinicalStatus ? conceptText(c.clinicalStatus) : 'Active', dayText(conditionDate(c))];
    },
  },
  {
    key: 'medications',
    title: 'Medications',
    loinc: '10160-0',
    loincDisplay: 'History of Medication use Narrative',
    types: ['MedicationRequest', 'MedicationStatement', 'Medication'],
    columns: ['Medication', 'Directions', 'Since'],
    emptyText: 'No current medications are recorded.',
    select: (resources) =>
      [
        ...ofType<MedicationRequest>(resources, 'MedicationRequest').filter((m) => m.status === 'active' && m.intent !== 'proposal' && m.intent !== 'plan'),
        ...ofType<MedicationStatement>(resources, 'MedicationStatement').filter((m) => m.status === 'active' || m.status === 'intended'),
      ].sort(byDateDesc((m: MedicationRequest | MedicationStatement) => (m.resourceType === 'MedicationRequest' ? m.authoredOn : (m.effectiveDateTime ?? m.dateAsserted)))),
    row: (r, resolve) => {
      const m = r as MedicationRequest | MedicationStatement;
      const dosage = m.resourceType === 'MedicationRequest' ? m.dosageInstruction : m.dosage;
      const since = m.resourceType === 'MedicationRequest' ? m.authoredOn : (m.effectiveDateTime ?? m.effectivePeriod?.start ?? m.dateAsserted);
      return [medicationName(m, resolve), dosage?.[0]?.text ?? NOT_RECORDED, dayText(since)];
    },
  },
  {
    key: 'allergies',
    title: 'Allergies and intolerances',
    loinc: '48765-2',
    loincDisplay: 'Allergies and adverse reactions Document',
    types: ['AllergyIntolerance'],
    columns: ['Substance', 'Criticality', 'Reaction'],
    emptyText: 'No allergies or intolerances are recorded.',
    select: (resources) =>
      ofType<AllergyIntolerance>(resources, 'AllergyIntolerance').filter(
        (a) => ['active', undefined].includes(codeOf(a.clinicalStatus)) && notRefuted(a.verificationStatus),
      ),
    row: (r) => {
      const a = r as AllergyIntolerance;
      const reactions = (a.reaction ?? []).flatMap((x) => (x.manifestation ?? []).map(conceptText));
      return [conceptText(a.code), a.criticality ?? NOT_RECORDED, reactions.length > 0 ? reactions.join(', ') : NOT_RECORDED];
    },
  },
  {
    key: 'immunizations',
    title: 'Immunizations',
    loinc: '11369-6',
    loincDisplay: 'History of Immunization Narrative',
    types: ['Immunization'],
    columns: ['Vaccine', 'Date'],
    emptyText: 'No immunizations are recorded.',
    select: (resources) =>
      ofType<Immunization>(resources, 'Immunization')
        .filter((i) => i.status === 'completed')
        .sort(byDateDesc((i) => i.occurrenceDateTime)),
    row: (r) => {
      const i = r as Immunization;
      return [conceptText(i.vaccineCode), dayText(i.occurrenceDateTime ?? i.occurrenceString)];
    },
  },
  {
    key: 'results',
    title: 'Recent results',
    loinc: '30954-2',
    loincDisplay: 'Relevant diagnostic tests/laboratory data Narrative',
    types: ['Observation'],
    columns: ['Test', 'Result', 'Date'],
    emptyText: 'No laboratory results are recorded.',
    select: (resources) => latestPerTest(resources, 'laboratory'),
    row: observationRow,
  },
  {
    key: 'vitals',
    title: 'Vital signs',
    loinc: '8716-3',
    loincDisplay: 'Vital signs',
    types: ['Observation'],
    columns: ['Vital sign', 'Value', 'Date'],
    emptyText: 'No vital signs are recorded.',
    select: (resources) => latestPerTest(resources, 'vital-signs'),
    row: observationRow,
  },
  {
    key: 'procedures',
    title: 'Procedures',
    loinc: '47519-4',
    loincDisplay: 'History of Procedures Document',
    types: ['Procedure'],
    columns: ['Procedure', 'Date'],
    emptyText: 'No procedures are recorded.',
    select: (resources) =>
      ofType<Procedure>(resources, 'Procedure')
        .filter((p) => p.status === 'completed')
        .sort(byDateDesc(procedureDate))
        .slice(0, MAX_RECENT),
    row: (r) => {
      const p = r as Procedure;
      return [conceptText(p.code), dayText(procedureDate(p))];
    },
  },
];
