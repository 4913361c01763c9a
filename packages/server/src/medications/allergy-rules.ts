/**
 * The drug-allergy knowledge of `knowledge/allergy.json`, indexed: which classes an allergy to one
 * member extends to (and how severely), cross-sensitivity between classes (penicillin allergy and
 * cephalosporins...), the words that name an allergen in a text-only record ("Sulfa drugs"), and
 * the SNOMED CT allergen codes understood. Pure.
 */
import type { FindingReference, FindingSeverity } from './check-types.ts';
import type { ClassIndex, DrugClass } from './classes.ts';
import { foldName, ingredientKey } from './names.ts';

/** What an allergy record names: ingredients and whole classes. */
export interface Allergen {
  ingredients: string[];
  classes: string[];
}

export interface AllergyFile {
  classAllergy: Record<string, { severity: FindingSeverity; references: string[]; note?: string }>;
  extraClasses?: Record<string, { label: string; members: string[] }>;
  crossSensitivity: Array<{ from: { class?: string; ingredient?: string }; to: string; severity: FindingSeverity; note: string; references: string[] }>;
  text: Array<{ words: string[]; class?: string; classes?: string[]; ingredient?: string }>;
  snomed: Record<string, { display: string; class?: string; ingredient?: string }>;
}

export interface ClassAllergyRule {
  cls: DrugClass;
  severity: FindingSeverity;
  note?: string;
  references: readonly FindingReference[];
}

export interface CrossRule {
  from: { class?: string; ingredient?: string };
  to: DrugClass;
  severity: FindingSeverity;
  note: string;
  references: readonly FindingReference[];
}

export interface AllergyIndex {
  classRules: readonly ClassAllergyRule[];
  cross: readonly CrossRule[];
  /** Text words (folded) → what they name. */
  textWords: ReadonlyMap<string, Allergen>;
  snomed: ReadonlyMap<string, Allergen>;
}

export function buildAllergyIndex(file: AllergyFile, classes: ClassIndex, refs: (k: readonly string[]) => FindingReference[]): AllergyIndex {
  const cls = (id: string): DrugClass => {
    const c = classes.get(id);
    if (!c) throw new Error(`knowledge: allergy rules name unknown class '${id}'`);
    return c;
  };
  const classRules = Object.entries(file.classAllergy).map(([id, r]) => ({ cls: cls(id), severity: r.severity, ...(r.note ? { note: r.note } : {}), references: refs(r.references) }));
  const cross = file.crossSensitivity.map((c) => {
    if (c.from.class) cls(c.from.class);
    return { from: c.from, to: cls(c.to), severity: c.severity, note: c.note, references: refs(c.references) };
  });
  const allergen = (e: { class?: string; classes?: string[]; ingredient?: string }): Allergen => {
    const ids = [...(e.class ? [e.class] : []), ...(e.classes ?? [])];
    for (const id of ids) cls(id);
    return { ingredients: e.ingredient ? [ingredientKey(e.ingredient)] : [], classes: ids };
  };
  const textWords = new Map<string, Allergen>();
  for (const t of file.text) for (const w of t.words) textWords.set(foldName(w), allergen(t));
  const snomed = new Map<string, Allergen>();
  for (const [code, s] of Object.entries(file.snomed)) snomed.set(code, allergen(s));
  return { classRules, cross, textWords, snomed };
}
