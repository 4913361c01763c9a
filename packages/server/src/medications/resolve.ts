/**
 * What drug an order or statement is about: its RxNorm coding looked up in the catalogue (any
 * product of an ingredient resolves to that ingredient), otherwise the ingredient names found in
 * its text or coding displays. Reads `medicationCodeableConcept` or a contained Medication that
 * `medicationReference` points at (`#id`). Also: the reference and display used in findings.
 * Pure.
 */
import type { CodeableConcept, Medication, MedicationRequest, MedicationStatement, Reference } from '@medplum/fhirtypes';
import type { CatalogueEntry, CatalogueIngredient } from './catalogue.ts';
import type { Knowledge } from './knowledge.ts';

export const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

export interface ResolvedDrug {
  /** Ingredient keys, without repeats. */
  keys: string[];
  /** Ingredients with strengths, when the catalogue knows the product. */
  ingredients: readonly CatalogueIngredient[];
  entry?: CatalogueEntry;
  /** The RxNorm code ordered, if any. */
  code?: string;
  display: string;
}

export function conceptOf(res: MedicationRequest | MedicationStatement): CodeableConcept | undefined {
  if (res.medicationCodeableConcept) return res.medicationCodeableConcept;
  const ref = res.medicationReference?.reference;
  if (ref?.startsWith('#')) {
    const med = (res.contained ?? []).find((c): c is Medication => c.resourceType === 'Medication' && c.id === ref.slice(1));
    if (med?.code) return med.code;
  }
  return res.medicationReference?.display ? { text: res.medicationReference.display } : undefined;
}

export function resolveConcept(concept: CodeableConcept | undefined, k: Knowledge): ResolvedDrug {
  const codings = concept?.coding ?? [];
  const rx = codings.find((c) => c.system === RXNORM && c.code && k.catalogue.byCode.has(c.code));
  const display = concept?.text ?? codings.find((c) => c.display)?.display ?? rx?.display ?? 'the medication';
  if (rx?.code) {
    const entry = k.catalogue.byCode.get(rx.code)!;
    return { keys: [...new Set(entry.ingredients.map((i) => i.key))], ingredients: entry.ingredients, entry, code: rx.code, display: concept?.text ?? rx.display ?? entry.display };
  }
  const texts = [concept?.text, ...codings.map((c) => c.display)].filter((t): t is string => !!t);
  const keys = [...new Set(texts.flatMap((t) => k.names.find(t)))];
  const code = codings.find((c) => c.system === RXNORM && c.code)?.code;
  return { keys, ingredients: keys.map((key) => ({ name: key, key })), ...(code ? { code } : {}), display };
}

export function resolveMedication(res: MedicationRequest | MedicationStatement, k: Knowledge): ResolvedDrug {
  return resolveConcept(conceptOf(res), k);
}

/** A FHIR reference to a record resource, or `#draft-<index>` for a draft order. */
export function recordRef(res: { resourceType: string; id?: string }, display: string): Reference {
  return { reference: res.id ? `${res.resourceType}/${res.id}` : `${res.resourceType}`, display };
}

export const draftRef = (index: number, display: string): Reference => ({ reference: `#draft-${index}`, display });

/** Capitalises the first letter ("simvastatin" → "Simvastatin"). */
export const capital = (s: string): string => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

/** Keeps a summary under 140 characters. */
export const clip = (s: string): string => (s.length < 140 ? s : `${s.slice(0, 136).trimEnd()}...`);

/** A short tag naming a drug in finding ids: its RxNorm code, else its ingredient keys. */
export const drugTag = (d: ResolvedDrug): string => (d.code ? `rxnorm-${d.code}` : `ingredient-${d.keys.join('+').replace(/\s+/g, '-') || 'unknown'}`);
