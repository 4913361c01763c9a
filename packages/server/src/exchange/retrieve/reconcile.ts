/**
 * Reconciliation matching (ONC 170.315(b)(2)): for each incoming medication, allergy or problem,
 * the local item it duplicates, if any. Pure: resources in, verdicts out.
 *
 * What counts as the same thing, strongest first:
 * - medications (MedicationRequest, MedicationStatement): the same RxNorm code, else the same set
 *   of ingredients (medications/resolve.ts: any product of an ingredient resolves to it, and names
 *   in the text are found too, so "metformin 500 mg tablet" and RxNorm 861004 are both metformin);
 *   sharing some ingredients but not all is only possible (a combination product);
 * - allergies (AllergyIntolerance): the same SNOMED/RxNorm coding, else the same allergen
 *   ingredients (medications/allergy.ts); the same drug class (an allergy to penicillins and one
 *   to amoxicillin) is possible;
 * - problems (Condition): the same SNOMED CT or ICD-10-CM code; the same ICD-10-CM category (the
 *   three characters before the dot) is possible;
 * - for all: the same normalised text (case, punctuation and spacing ignored) when no code decided.
 * Then timing: a code-level match whose dates (medications: authoredOn, effective, dateAsserted;
 * allergies: onset, recordedDate; problems: onset, recordedDate) are within the list's window
 * (medications 180 days, problems 365 days; allergies are lifelong: no window), or where either
 * side has no date, is a `duplicate`; further apart it is `possible`. Nothing in common: `new`.
 * Entered-in-error local items are never matched.
 */
import type { CodeableConcept, MedicationRequest, MedicationStatement, Resource } from '@medplum/fhirtypes';
import { allergenOf } from '../../medications/allergy.ts';
import type { Knowledge } from '../../medications/knowledge.ts';
import { resolveMedication, RXNORM } from '../../medications/resolve.ts';

export type ReconcileList = 'medications' | 'allergies' | 'problems';
export type MatchKind = 'duplicate' | 'possible' | 'new';

export interface ReconcileVerdict {
  list: ReconcileList;
  incoming: Resource;
  /** The best local match (absent for `new`). */
  local?: Resource;
  match: MatchKind;
  /** Why, in a sentence without PHI beyond the clinical terms compared. */
  reason: string;
}

export const SNOMED = 'http://snomed.info/sct';
export const ICD10CM = 'http://hl7.org/fhir/sid/icd-10-cm';
const DAY = 86_400_000;
const WINDOW_DAYS: Record<ReconcileList, number | undefined> = { medications: 180, allergies: undefined, problems: 365 };

export function listOf(r: Resource): ReconcileList | undefined {
  if (r.resourceType === 'MedicationRequest' || r.resourceType === 'MedicationStatement') return 'medications';
  if (r.resourceType === 'AllergyIntolerance') return 'allergies';
  if (r.resourceType === 'Condition') return 'problems';
  return undefined;
}

const normalise = (t: string | undefined): string => (t ?? '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

function dateOf(r: Resource): number | undefined {
  const pick = (...v: (string | undefined)[]): number | undefined => {
    for (const s of v) if (s && !Number.isNaN(Date.parse(s))) return Date.parse(s);
    return undefined;
  };
  if (r.resourceType === 'MedicationRequest') return pick(r.authoredOn);
  if (r.resourceType === 'MedicationStatement') return pick(r.effectiveDateTime, r.effectivePeriod?.start, r.dateAsserted);
  if (r.resourceType === 'AllergyIntolerance' || r.resourceType === 'Condition') return pick(r.onsetDateTime, r.onsetPeriod?.start, r.recordedDate);
  return undefined;
}

function conceptOf(r: Resource): CodeableConcept | undefined {
  if (r.resourceType === 'AllergyIntolerance' || r.resourceType === 'Condition') return r.code;
  const m = r as MedicationRequest | MedicationStatement;
  return m.medicationCodeableConcept ?? (m.medicationReference?.display ? { text: m.medicationReference.display } : undefined);
}

const textOf = (c: CodeableConcept | undefined): string[] => [c?.text, ...(c?.coding ?? []).map((x) => x.display)].map(normalise).filter((t) => t !== '');

function sharedCoding(a: CodeableConcept | undefined, b: CodeableConcept | undefined, systems: readonly string[]): string | undefined {
  for (const x of a?.coding ?? []) {
    if (!x.system || !x.code || !systems.includes(x.system)) continue;
    if ((b?.coding ?? []).some((y) => y.system === x.system && y.code === x.code)) return `${x.system === SNOMED ? 'SNOMED CT' : x.system === ICD10CM ? 'ICD-10-CM' : 'RxNorm'} ${x.code}`;
  }
  return undefined;
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length > 0 && a.length === b.length && a.every((x) => b.includes(x));
const overlap = (a: readonly string[], b: readonly string[]): string[] => a.filter((x) => b.includes(x));

/** What the two items share by code or text: strong (the same thing) or weak (related). */
function compare(list: ReconcileList, a: Resource, b: Resource, k: Knowledge): { strength: 'strong' | 'weak'; why: string } | undefined {
  const ca = conceptOf(a);
  const cb = conceptOf(b);
  if (list === 'medications') {
    const da = resolveMedication(a as MedicationRequest, k);
    const db = resolveMedication(b as MedicationRequest, k);
    if (da.code && da.code === db.code) return { strength: 'strong', why: `same RxNorm code ${da.code}` };
    if (sameSet(da.keys, db.keys)) return { strength: 'strong', why: `same ingredient${da.keys.length > 1 ? 's' : ''} (${da.keys.join(', ')})` };
    const shared = overlap(da.keys, db.keys);
    if (shared.length > 0) return { strength: 'weak', why: `shares ingredient ${shared.join(', ')} but not all ingredients` };
  } else if (list === 'allergies') {
    const coded = sharedCoding(ca, cb, [SNOMED, RXNORM]);
    if (coded) return { strength: 'strong', why: `same allergen code ${coded}` };
    const xa = allergenOf(ca, k);
    const xb = allergenOf(cb, k);
    if (sameSet(xa.ingredients, xb.ingredients)) return { strength: 'strong', why: `same allergen (${xa.ingredients.join(', ')})` };
    // An allergy to a class (penicillins) relates to one to a member (amoxicillin) and back.
    const classesOf = (x: { ingredients: string[]; classes: string[] }): string[] => [...new Set([...x.classes, ...x.ingredients.flatMap((i) => k.classes.classesOf(i).map((c) => c.id))])];
    const classes = overlap(classesOf(xa), classesOf(xb));
    const shared = overlap(xa.ingredients, xb.ingredients);
    if (shared.length > 0 || classes.length > 0) return { strength: 'weak', why: `related allergen (${[...shared, ...classes].join(', ')})` };
  } else {
    const coded = sharedCoding(ca, cb, [SNOMED, ICD10CM]);
    if (coded) return { strength: 'strong', why: `same code ${coded}` };
    const category = (c: CodeableConcept | undefined): string[] => (c?.coding ?? []).filter((x) => x.system === ICD10CM && x.code).map((x) => x.code!.split('.')[0]!);
    const cat = overlap(category(ca), category(cb));
    if (cat.length > 0) return { strength: 'weak', why: `same ICD-10-CM category ${cat[0]}` };
  }
  const ta = textOf(ca);
  const same = ta.find((t) => textOf(cb).includes(t));
  if (same !== undefined) return { strength: 'strong', why: 'same name' };
  return undefined;
}

const inError = (r: Resource): boolean => {
  const v = r as { status?: string; verificationStatus?: CodeableConcept };
  return v.status === 'entered-in-error' || (v.verificationStatus?.coding ?? []).some((c) => c.code === 'entered-in-error');
};

/** The verdict for one incoming item against the local items of its list. */
export function reconcileItem(incoming: Resource, locals: readonly Resource[], k: Knowledge): ReconcileVerdict | undefined {
  const list = listOf(incoming);
  if (list === undefined) return undefined;
  const window = WINDOW_DAYS[list];
  const di = dateOf(incoming);
  let best: { rank: number; gap: number; local: Resource; match: MatchKind; reason: string } | undefined;
  for (const local of locals) {
    if (listOf(local) !== list || inError(local)) continue;
    const c = compare(list, incoming, local, k);
    if (!c) continue;
    const dl = dateOf(local);
    const gap = di !== undefined && dl !== undefined ? Math.round(Math.abs(di - dl) / DAY) : 0;
    const timely = window === undefined || di === undefined || dl === undefined || gap <= window;
    const match: MatchKind = c.strength === 'strong' && timely ? 'duplicate' : 'possible';
    const timing = di === undefined || dl === undefined ? '' : window === undefined ? '' : timely ? `, dated ${gap} days apart` : `, but dated ${gap} days apart (more than ${window})`;
    const rank = match === 'duplicate' ? 2 : c.strength === 'strong' ? 1.5 : 1;
    if (!best || rank > best.rank || (rank === best.rank && gap < best.gap)) best = { rank, gap, local, match, reason: `${c.why}${timing}` };
  }
  if (!best) return { list, incoming, match: 'new', reason: 'no local item with the same code, ingredient or name' };
  return { list, incoming, local: best.local, match: best.match, reason: best.reason };
}

/** Verdicts for every incoming medication, allergy and problem (other types are skipped). */
export function reconcile(incoming: readonly Resource[], locals: readonly Resource[], k: Knowledge): ReconcileVerdict[] {
  return incoming.flatMap((r) => reconcileItem(r, locals, k) ?? []);
}
