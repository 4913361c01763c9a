/**
 * What importing an item from a partner writes, without writing it (pure):
 * - `localCopy`: the incoming resource as a new local one: no id, the patient reference pointing at
 *   the local patient, every other reference (to resources that exist only at the partner) made
 *   display-only ("Practitioner/9 at <partner>" when it had no display), meta.tag EXTERNAL_TAG,
 *   meta.source its remote URL, the EXTERNAL_SOURCE_EXT extension; security labels kept;
 * - `mergedInto`: the local target after a merge: a note naming the source and date, and for
 *   problems and allergies the onset widened to the earlier of the two (a merge keeps the local
 *   item and its id; nothing else of the incoming one is copied);
 * - `provenance`: the Provenance of an import or merge.
 */
import type { Annotation, AllergyIntolerance, Condition, Provenance, Reference, Resource } from '@medplum/fhirtypes';
import { PURPOSE_OF_USE_SYSTEM, type PurposeOfUse } from '../types.ts';
import { markExternal, type Source } from './external-marks.ts';

const PATIENT_FIELD: Record<string, 'subject' | 'patient'> = { MedicationRequest: 'subject', MedicationStatement: 'subject', Condition: 'subject', AllergyIntolerance: 'patient' };
export const IMPORTABLE = new Set(Object.keys(PATIENT_FIELD));

/** Every Reference inside `value` (not the top-level patient field), made display-only. */
function displayOnly(value: unknown, partnerName: string): unknown {
  if (Array.isArray(value)) return value.map((v) => displayOnly(v, partnerName));
  if (typeof value !== 'object' || value === null) return value;
  const obj = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = displayOnly(v, partnerName);
  if (typeof obj.reference === 'string' && !obj.reference.startsWith('#')) {
    const ref = out as Reference;
    delete ref.reference;
    ref.display = typeof obj.display === 'string' ? obj.display : `${obj.reference} at ${partnerName}`;
  }
  return out;
}

export function localCopy(incoming: Resource, patientId: string, source: Source, remoteUrl: string): Resource {
  const field = PATIENT_FIELD[incoming.resourceType]!;
  const { id: _id, meta, ...rest } = incoming as Resource & Record<string, unknown>;
  const body = displayOnly({ ...rest, [field]: undefined }, source.name) as Record<string, unknown>;
  delete body[field];
  const copy = { ...body, meta: meta?.security ? { security: meta.security } : {}, [field]: { reference: `Patient/${patientId}` } } as unknown as Resource;
  return markExternal(copy, source, remoteUrl);
}

const earlier = (a: string | undefined, b: string | undefined): string | undefined => (a && b ? (Date.parse(b) < Date.parse(a) ? b : a) : (a ?? b));

export function mergedInto(target: Resource, incoming: Resource, source: Source, remoteUrl: string, now: Date): Resource {
  const note: Annotation = { time: now.toISOString(), authorString: source.name, text: `Reconciled with the record of ${source.name} (${remoteUrl})` };
  const merged = { ...target, note: [...((target as { note?: Annotation[] }).note ?? []), note] } as Resource;
  if (target.resourceType === 'Condition' || target.resourceType === 'AllergyIntolerance') {
    const t = target;
    const i = incoming as Condition | AllergyIntolerance;
    // Only a dateTime onset is widened: an onset given as age, range or text is left as recorded.
    const onlyDateTime = t.onsetDateTime !== undefined || (t.onsetAge === undefined && t.onsetPeriod === undefined && t.onsetRange === undefined && t.onsetString === undefined);
    const onset = earlier(t.onsetDateTime, i.onsetDateTime);
    if (onlyDateTime && onset !== undefined) (merged as Condition).onsetDateTime = onset;
  }
  return merged;
}

export function provenance(opts: {
  target: Reference;
  activity: 'CREATE' | 'UPDATE';
  source: Source;
  remoteUrl: string;
  enterer: { reference?: string; display: string };
  purpose: PurposeOfUse;
  previous?: Reference;
  now: Date;
}): Provenance {
  const participant = (code: string, display: string) => ({ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code, display }] });
  return {
    resourceType: 'Provenance',
    target: [opts.target],
    recorded: opts.now.toISOString(),
    activity: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-DataOperation', code: opts.activity }] },
    reason: [{ coding: [{ system: PURPOSE_OF_USE_SYSTEM, code: opts.purpose }] }],
    agent: [
      { type: participant('author', 'Author'), who: { reference: `Organization/${opts.source.organizationId}`, display: opts.source.name } },
      { type: participant('enterer', 'Enterer'), who: opts.enterer.reference ? { reference: opts.enterer.reference, display: opts.enterer.display } : { display: opts.enterer.display } },
    ],
    entity: [{ role: 'source', what: { display: opts.remoteUrl } }, ...(opts.previous ? [{ role: 'revision' as const, what: opts.previous }] : [])],
  };
}
