/**
 * Where an external resource came from, and how one item of a remote record is summed up for a
 * badge and a row: the source organization (EXTERNAL_SOURCE_EXT, else the host of `meta.source`),
 * the item's clinical date, its author, its title and a detail line. Works on the resources the
 * retrieve operations return and on imported local copies alike. Pure: no I/O.
 */
import type { CodeableConcept, Extension, Reference, Resource } from '@medplum/fhirtypes';
import { conceptText } from '../../fhir/format.ts';
import { EXTERNAL_SOURCE_EXT, EXTERNAL_TAG } from './codes.ts';

export interface ExternalSource {
  /** The organization's name for people ("Riverside Hospital"), or the host it came from. */
  organization: string;
  /** `Organization/<id>` of the partner here, when the resource names it. */
  reference?: string;
  /** The remote URL of the resource (`meta.source`), when known. */
  url?: string;
}

/** True for a resource tagged as coming from another organization. */
export function isExternal(resource: Resource): boolean {
  return (resource.meta?.tag ?? []).some((t) => t.system === EXTERNAL_TAG.system && t.code === EXTERNAL_TAG.code);
}

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return /^https?:$/.test(u.protocol) ? u.host : undefined;
  } catch {
    return undefined;
  }
}

/** The source of an external resource; undefined for local data (no tag and no source extension). */
export function externalSource(resource: Resource): ExternalSource | undefined {
  const ext = (resource as { extension?: Extension[] }).extension?.find((e) => e.url === EXTERNAL_SOURCE_EXT);
  const ref = ext?.valueReference;
  if (!ext && !isExternal(resource)) return undefined;
  const url = resource.meta?.source;
  const organization = ref?.display ?? hostOf(url) ?? ref?.reference ?? 'another organization';
  return { organization, ...(ref?.reference ? { reference: ref.reference } : {}), ...(url ? { url } : {}) };
}

type Loose = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
const concept = (v: unknown): CodeableConcept | undefined => (v && typeof v === 'object' ? (v as CodeableConcept) : undefined);
const refName = (v: unknown): string | undefined => {
  const r = v as Reference | undefined;
  return r && typeof r === 'object' ? (r.display ?? undefined) : undefined;
};

/** The item's clinical date: when it happened or was recorded, else when it was last changed. */
export function itemDate(resource: Resource): string | undefined {
  const r = resource as unknown as Loose;
  const period = (v: unknown) => str((v as { start?: string } | undefined)?.start);
  return (
    str(r.effectiveDateTime) ??
    period(r.effectivePeriod) ??
    str(r.onsetDateTime) ??
    str(r.recordedDate) ??
    str(r.authoredOn) ??
    str(r.dateAsserted) ??
    str(r.occurrenceDateTime) ??
    period(r.period) ??
    str(r.issued) ??
    str(r.date) ??
    resource.meta?.lastUpdated
  );
}

/** Who wrote the item, by name when the resource gives one. */
export function itemAuthor(resource: Resource): string | undefined {
  const r = resource as unknown as Loose;
  const first = (v: unknown) => (Array.isArray(v) ? v.map((x: unknown) => refName((x as { actor?: unknown; individual?: unknown }).actor ?? (x as { individual?: unknown }).individual ?? x)).find(Boolean) : undefined);
  return refName(r.recorder) ?? refName(r.asserter) ?? refName(r.requester) ?? refName(r.informationSource) ?? first(r.performer) ?? first(r.author) ?? first(r.participant);
}

/** The item's name for people: its code, medication, vaccine, type or description. */
export function itemTitle(resource: Resource): string {
  const r = resource as unknown as Loose;
  const c = concept(r.medicationCodeableConcept) ?? concept(r.vaccineCode) ?? concept(r.code);
  if (c) return conceptText(c);
  if (resource.resourceType === 'Encounter') {
    const type = (r.type as CodeableConcept[] | undefined)?.[0];
    return type ? conceptText(type) : (str((r.class as { display?: string } | undefined)?.display) ?? 'Visit');
  }
  if (resource.resourceType === 'DocumentReference') return str(r.description) ?? (concept(r.type) ? conceptText(concept(r.type)) : 'Document');
  const med = refName(r.medicationReference);
  return med ?? str(r.description) ?? resource.resourceType;
}

const QUANTITY = (v: unknown): string | undefined => {
  const q = v as { value?: number; unit?: string } | undefined;
  return q && typeof q.value === 'number' ? `${q.value}${q.unit ? ` ${q.unit}` : ''}` : undefined;
};

/** A short line of detail: a result's value, a dose, a status. */
export function itemDetail(resource: Resource): string | undefined {
  const r = resource as unknown as Loose;
  const value = QUANTITY(r.valueQuantity) ?? str(r.valueString) ?? (concept(r.valueCodeableConcept) ? conceptText(concept(r.valueCodeableConcept)) : undefined);
  if (value) return value;
  const dosage = ((r.dosageInstruction ?? r.dosage) as { text?: string }[] | undefined)?.map((d) => d.text).filter(Boolean).join('; ');
  if (dosage) return dosage;
  const reactions = (r.reaction as { manifestation?: CodeableConcept[] }[] | undefined)?.flatMap((x) => x.manifestation ?? []).map(conceptText).join(', ');
  if (reactions) return `Reaction: ${reactions}`;
  const status = concept(r.clinicalStatus) ? conceptText(concept(r.clinicalStatus)) : str(r.status);
  return status;
}
