/**
 * Reads what a patient summary is made of: the Patient, the resources of the section types in the
 * patient's compartment, and the resources they point at (the prescriber, a Medication, the
 * clinic), each kept only when `canSee` allows it. `canSee` is the caller's access rule (or a
 * share link's, see share-route.ts); it is applied to every resource read, so a summary never
 * holds what its reader could not have read one by one. Reading only: no writes.
 */
import type { Patient, Reference, Resource } from '@medplum/fhirtypes';
import { notFound } from '@continuum/fhir';
import type { Repository } from '../../store/repository.ts';

export type CanSee = (resource: Resource) => boolean;

/**
 * The types a summary follows references to; references to any other type are not resolved. None
 * is in a patient compartment: following a reference into one (Patient.link, a RelatedPerson)
 * could bring another patient's data into this patient's summary.
 */
export const SUPPORTING_TYPES: ReadonlySet<string> = new Set(['Practitioner', 'PractitionerRole', 'Organization', 'Location', 'Medication', 'Substance']);
/** Rounds of reference following (a request's prescriber, then the prescriber's organization). */
const MAX_ROUNDS = 3;
const PAGE = 500;

export const keyOf = (r: { resourceType: string; id?: string }): string => `${r.resourceType}/${r.id ?? ''}`;

/** The `Type/id` a relative literal reference names, or undefined (absolute, contained, logical). */
export function referenceKey(ref: Reference | undefined): string | undefined {
  const m = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(ref?.reference ?? '');
  return m ? `${m[1]}/${m[2]}` : undefined;
}

/** Every Reference object inside a resource (its own elements, not those of contained resources). */
export function referencesIn(value: unknown, out: Reference[] = []): Reference[] {
  if (Array.isArray(value)) {
    for (const v of value) referencesIn(v, out);
  } else if (typeof value === 'object' && value !== null) {
    const o = value as Record<string, unknown>;
    if (typeof o.reference === 'string') out.push(o as Reference);
    for (const [k, v] of Object.entries(o)) if (k !== 'contained') referencesIn(v, out);
  }
  return out;
}

export interface PatientRecord {
  patient: Patient;
  /** The compartment's resources of the requested types about the patient that the reader may see. */
  resources: Resource[];
}

/**
 * Whether a resource is about the patient (its `subject` or `patient`), not merely in the
 * compartment: an Observation of someone else that the patient performed is in their compartment.
 */
function about(r: Resource, patientKey: string): boolean {
  const { subject, patient } = r as { subject?: Reference; patient?: Reference };
  return referenceKey(subject) === patientKey || referenceKey(patient) === patientKey;
}

/** The Patient and the resources of `types` about it, as `canSee` allows: 404 if the Patient is hidden. */
export async function readRecord(repo: Repository, patientId: string, types: readonly string[], canSee: CanSee): Promise<PatientRecord> {
  const patient = (await repo.read('Patient', patientId)) as Patient;
  if (!canSee(patient)) throw notFound(`Patient/${patientId} is not known`);
  const resources: Resource[] = [];
  let afterRid: number | undefined;
  do {
    const page = await repo.everything({ patientId, count: PAGE, types: [...types], ...(afterRid !== undefined ? { afterRid } : {}) });
    for (const row of page.members) {
      const r = JSON.parse(row.content) as Resource;
      if (about(r, `Patient/${patientId}`) && canSee(r)) resources.push(r);
    }
    afterRid = page.nextAfter;
  } while (afterRid !== undefined);
  return { patient, resources };
}

/**
 * Adds to `known` the supporting resources the `roots` reference, and those these reference in
 * turn (up to MAX_ROUNDS), each once and only when `canSee` allows it.
 */
export async function readSupporting(repo: Repository, roots: readonly Resource[], known: Map<string, Resource>, canSee: CanSee): Promise<void> {
  const tried = new Set(known.keys());
  let frontier = roots;
  for (let round = 0; round < MAX_ROUNDS && frontier.length > 0; round++) {
    const wanted = new Set<string>();
    for (const r of frontier) {
      for (const ref of referencesIn(r)) {
        const key = referenceKey(ref);
        if (key && !tried.has(key) && SUPPORTING_TYPES.has(key.split('/')[0]!)) wanted.add(key);
      }
    }
    if (wanted.size === 0) return;
    for (const key of wanted) tried.add(key);
    const found = await repo.currentVersions([...wanted].map((key) => ({ resourceType: key.split('/')[0]!, id: key.split('/')[1]! })));
    const next: Resource[] = [];
    for (const version of found.values()) {
      if (version.content === null) continue;
      const r = JSON.parse(version.content) as Resource;
      if (!canSee(r)) continue;
      known.set(keyOf(r), r);
      next.push(r);
    }
    frontier = next;
  }
}
