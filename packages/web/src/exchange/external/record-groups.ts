/**
 * A remote record (the Bundle `$external-record` answers) grouped for reading: problems,
 * medications, allergies, labs and observations, immunizations, encounters, documents, then
 * anything else, each item summed up (title, detail, date, author, source) and the newest first.
 * The Patient itself and bookkeeping resources (Provenance, Organization, Practitioner...) are
 * not items. Pure: no I/O.
 */
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { externalSource, itemAuthor, itemDate, itemDetail, itemTitle, type ExternalSource } from './external-source.ts';

export type GroupKey = 'problems' | 'medications' | 'allergies' | 'observations' | 'immunizations' | 'encounters' | 'documents' | 'other';

export const GROUP_TITLES: Record<GroupKey, string> = {
  problems: 'Problems',
  medications: 'Medications',
  allergies: 'Allergies',
  observations: 'Labs and observations',
  immunizations: 'Immunizations',
  encounters: 'Encounters',
  documents: 'Documents',
  other: 'Other items',
};

const ORDER: GroupKey[] = ['problems', 'medications', 'allergies', 'observations', 'immunizations', 'encounters', 'documents', 'other'];

const BY_TYPE: Record<string, GroupKey> = {
  Condition: 'problems',
  MedicationRequest: 'medications',
  MedicationStatement: 'medications',
  MedicationAdministration: 'medications',
  MedicationDispense: 'medications',
  AllergyIntolerance: 'allergies',
  Observation: 'observations',
  DiagnosticReport: 'observations',
  Immunization: 'immunizations',
  Encounter: 'encounters',
  DocumentReference: 'documents',
  Composition: 'documents',
};

/** Resources that describe the record rather than belong to it. */
const NOT_ITEMS = new Set(['Patient', 'Provenance', 'Organization', 'Practitioner', 'PractitionerRole', 'Location', 'Endpoint', 'Medication', 'Device', 'OperationOutcome', 'AuditEvent', 'Consent', 'RelatedPerson']);

export interface RecordItem {
  key: string;
  resource: Resource;
  title: string;
  detail: string | undefined;
  date: string | undefined;
  author: string | undefined;
  source: ExternalSource | undefined;
}

export interface RecordGroup {
  key: GroupKey;
  title: string;
  items: RecordItem[];
}

export function groupOf(resource: Resource): GroupKey | undefined {
  if (NOT_ITEMS.has(resource.resourceType)) return undefined;
  return BY_TYPE[resource.resourceType] ?? 'other';
}

export function recordItem(resource: Resource, index = 0): RecordItem {
  return {
    key: `${resource.resourceType}/${resource.id ?? `#${index}`}`,
    resource,
    title: itemTitle(resource),
    detail: itemDetail(resource),
    date: itemDate(resource),
    author: itemAuthor(resource),
    source: externalSource(resource),
  };
}

/** The non-empty groups of the record, in the fixed order, items newest first. */
export function groupRecord(bundle: Bundle | undefined): RecordGroup[] {
  const groups = new Map<GroupKey, RecordItem[]>();
  (bundle?.entry ?? []).forEach((e, i) => {
    const r = e.resource;
    const key = r ? groupOf(r) : undefined;
    if (!r || !key) return;
    groups.set(key, [...(groups.get(key) ?? []), recordItem(r, i)]);
  });
  return ORDER.filter((k) => groups.has(k)).map((k) => ({
    key: k,
    title: GROUP_TITLES[k],
    items: [...groups.get(k)!].sort((a, b) => (b.date ?? '').localeCompare(a.date ?? '') || a.title.localeCompare(b.title)),
  }));
}

/** How many items the record holds. */
export const itemCount = (groups: readonly RecordGroup[]): number => groups.reduce((n, g) => n + g.items.length, 0);
