/**
 * Builds a patient summary: a FHIR `document` Bundle after the International Patient Summary.
 * Its first entry is a Composition (LOINC 60591-5) with one section per SECTIONS entry, each with
 * an XHTML table narrative and references to its entries; then the Patient, the section entries
 * and the supporting resources they point at (prescribers, medications, the clinic).
 *
 * Every reference in the document resolves inside it: the Composition points at entries by
 * their fullUrl, entries keep their relative references when the target is in the Bundle, and a
 * reference to anything else (an encounter, an order, something the reader may not see) keeps
 * only its display text. The summary also comes back as plain rows (SummaryView), which the PDF
 * prints, so the two never disagree.
 */
import { randomUUID } from 'node:crypto';
import type { Bundle, BundleEntry, Composition, CompositionSection, Patient, Reference, Resource } from '@medplum/fhirtypes';
import type { Repository } from '../../store/repository.ts';
import { dayText, personName } from './display.ts';
import { headerNarrative, tableNarrative } from './narrative.ts';
import { type CanSee, keyOf, readRecord, readSupporting, referenceKey, referencesIn } from './record-reader.ts';
import { LOINC, SECTIONS } from './sections.ts';

export const SUMMARY_TITLE = 'Patient Summary';

export interface SummaryView {
  patientName: string;
  /** Label and value lines about the patient and the document. */
  facts: [string, string][];
  sections: { title: string; columns: readonly string[]; rows: string[][]; emptyText: string }[];
}

export interface SummaryInput {
  repo: Repository;
  /** The FHIR base URL the entries' fullUrls are made from. */
  baseUrl: string;
  patientId: string;
  canSee: CanSee;
  now: Date;
}

const SECTION_TYPES = [...new Set(SECTIONS.flatMap((s) => s.types))];

/** A copy of `r` whose references all resolve within `known` (others keep only their display). */
function withResolvableReferences(r: Resource, known: ReadonlyMap<string, Resource>): Resource {
  const copy = structuredClone(r);
  for (const ref of referencesIn(copy)) {
    const target = ref.reference!;
    if (target.startsWith('#')) continue;
    const key = referenceKey(ref);
    if (key !== undefined && known.has(key)) continue;
    delete (ref as { reference?: string }).reference;
    ref.display ??= `${key?.split('/')[0] ?? 'Record'} not included in this summary`;
  }
  return copy;
}

function facts(patient: Patient, now: Date): [string, string][] {
  const mrn = patient.identifier?.find((i) => i.type?.coding?.some((c) => c.code === 'MR'))?.value;
  return [
    ['Name', personName(patient.name)],
    ['Date of birth', dayText(patient.birthDate)],
    ['Gender', patient.gender ?? '—'],
    ...(mrn ? [['Medical record number', mrn] as [string, string]] : []),
    ['Summary made', now.toISOString().slice(0, 16).replace('T', ' ') + ' UTC'],
  ];
}

export async function buildSummary(input: SummaryInput): Promise<{ bundle: Bundle; view: SummaryView }> {
  const { repo, baseUrl, patientId, canSee, now } = input;
  const record = await readRecord(repo, patientId, SECTION_TYPES, canSee);
  const chosen = SECTIONS.map((def) => ({ def, entries: def.select(record.resources) }));
  const known = new Map<string, Resource>([[keyOf(record.patient), record.patient]]);
  for (const { entries } of chosen) for (const r of entries) known.set(keyOf(r), r);
  const supportingFrom = [record.patient, ...chosen.flatMap((c) => c.entries)];
  await readSupporting(repo, supportingFrom, known, canSee);

  const resolve = (ref: Reference | undefined): Resource | undefined => {
    const key = referenceKey(ref);
    return key === undefined ? undefined : known.get(key);
  };
  const fullUrl = (key: string): string => `${baseUrl}/${key}`;
  const view: SummaryView = { patientName: personName(record.patient.name), facts: facts(record.patient, now), sections: [] };
  const sections: CompositionSection[] = chosen.map(({ def, entries }) => {
    const rows = entries.map((r) => def.row(r, resolve));
    view.sections.push({ title: def.title, columns: def.columns, rows, emptyText: def.emptyText });
    return {
      title: def.title,
      code: { coding: [{ system: LOINC, code: def.loinc, display: def.loincDisplay }] },
      text: tableNarrative(def.columns, rows, def.emptyText),
      ...(entries.length > 0
        ? { entry: entries.map((r) => ({ reference: fullUrl(keyOf(r)) })) }
        : { emptyReason: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/list-empty-reason', code: 'unavailable', display: 'Unavailable' }] } }),
    };
  });

  const patientKey = keyOf(record.patient);
  const organization = resolve(record.patient.managingOrganization);
  const compositionId = randomUUID();
  const composition: Composition = {
    resourceType: 'Composition',
    id: compositionId,
    text: headerNarrative(SUMMARY_TITLE, view.facts),
    status: 'final',
    type: { coding: [{ system: LOINC, code: '60591-5', display: 'Patient summary Document' }] },
    subject: { reference: fullUrl(patientKey), display: view.patientName },
    date: now.toISOString(),
    author: [organization ? { reference: fullUrl(keyOf(organization)) } : { reference: fullUrl(patientKey), display: view.patientName }],
    title: SUMMARY_TITLE,
    ...(organization ? { custodian: { reference: fullUrl(keyOf(organization)) } } : {}),
    section: sections,
  };

  const entries: BundleEntry[] = [{ fullUrl: `urn:uuid:${compositionId}`, resource: composition }];
  for (const [key, r] of known) entries.push({ fullUrl: fullUrl(key), resource: withResolvableReferences(r, known) });
  const bundle: Bundle = {
    resourceType: 'Bundle',
    identifier: { system: 'urn:ietf:rfc:3986', value: `urn:uuid:${randomUUID()}` },
    type: 'document',
    timestamp: now.toISOString(),
    entry: entries,
  };
  return { bundle, view };
}
