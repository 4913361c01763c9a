/**
 * The medication catalogue over the server's `MedicationKnowledge/$catalogue`, for the medication
 * picker: `searchCatalogue` asks for drugs matching a name (and optionally a strength, form,
 * ingredient, class or code) and gives each as a `CatalogueDrug` (RxNorm coding, ingredients,
 * strength, form, brand and drug classes, ready to show); `parseTyped` splits what a clinician
 * types ("atorvastatin 40 mg tab") into name, strength and form. It goes through the shared
 * FhirClient (the user's token); it knows nothing of React.
 */
import type { Bundle, Coding, MedicationKnowledge, Quantity } from '@medplum/fhirtypes';
import type { FhirClient } from './client.ts';
import { RXNORM } from './terminology.ts';

/** Continuum's drug-class code system (medicineClassification). */
export const DRUG_CLASS_SYSTEM = 'https://continuum.example/fhir/CodeSystem/drug-class';

export interface CatalogueQuery {
  name?: string;
  strength?: string;
  form?: string;
  ingredient?: string;
  class?: string;
  code?: string;
}

export interface CatalogueDrug {
  /** The RxNorm coding to order with. */
  coding: Coding;
  /** Ingredient names, e.g. "losartan potassium / hydrochlorothiazide". */
  name: string;
  /** Strength of each ingredient, e.g. "50 mg / 12.5 mg" or "80 mg/mL". */
  strength: string;
  form?: string;
  brand?: string;
  /** Drug class names, e.g. ["HMG-CoA reductase inhibitors (statins)"]. */
  classes: string[];
}

export interface CatalogueResult {
  total: number;
  drugs: CatalogueDrug[];
}

const amount = (q: Quantity | undefined): string => (q?.value === undefined ? '' : `${q.value} ${q.unit ?? q.code ?? ''}`.trim());

export function drugOf(mk: MedicationKnowledge): CatalogueDrug {
  const coding = mk.code?.coding?.find((c) => c.system === RXNORM) ?? mk.code?.coding?.[0] ?? {};
  const ingredients = mk.ingredient ?? [];
  const strengths = ingredients.map((i) => {
    const n = amount(i.strength?.numerator);
    const d = i.strength?.denominator;
    return d && d.code !== '1' && d.unit !== '1' ? `${n}/${d.value === 1 ? '' : `${d.value} `}${d.unit ?? d.code ?? ''}` : n;
  });
  const classes = (mk.medicineClassification ?? []).flatMap((m) => (m.classification ?? []).flatMap((c) => (c.coding ?? []).filter((x) => x.system === DRUG_CLASS_SYSTEM).map((x) => x.display ?? x.code ?? '')));
  return {
    coding: { system: coding.system ?? RXNORM, ...(coding.code ? { code: coding.code } : {}), ...(coding.display ? { display: coding.display } : {}) },
    name: ingredients.map((i) => i.itemCodeableConcept?.text ?? '').filter(Boolean).join(' / ') || (mk.code?.text ?? ''),
    strength: strengths.filter(Boolean).join(' / '),
    ...(mk.doseForm?.text ? { form: mk.doseForm.text } : {}),
    ...(mk.synonym?.[0] ? { brand: mk.synonym[0] } : {}),
    classes: [...new Set(classes.filter(Boolean))],
  };
}

const UNIT = /^(mg|mcg|g|ml|mg\/ml|unt|units?|%|meq)$/i;

/** Splits typed text: words before the first number are the name, the number (and a unit) the strength, the rest the form. */
export function parseTyped(text: string): CatalogueQuery {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const at = words.findIndex((w) => /^\d+(\.\d+)?([a-z/%]+)?$/i.test(w));
  if (at <= 0) return { name: text.trim() };
  const joined = /^(\d+(?:\.\d+)?)([a-z/%]+)$/i.exec(words[at]!);
  let strength = joined ? `${joined[1]} ${joined[2]}` : words[at]!;
  let rest = words.slice(at + 1);
  if (!joined && rest[0] && UNIT.test(rest[0])) {
    strength = `${strength} ${rest[0]}`;
    rest = rest.slice(1);
  }
  return { name: words.slice(0, at).join(' '), strength, ...(rest.length ? { form: rest.join(' ') } : {}) };
}

export async function searchCatalogue(client: FhirClient, query: CatalogueQuery, count = 20, signal?: AbortSignal): Promise<CatalogueResult> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (typeof v === 'string' && v.trim()) params.set(k, v.trim());
  params.set('_count', String(count));
  const bundle = await client.get<Bundle<MedicationKnowledge>>(`MedicationKnowledge/$catalogue?${params.toString()}`, signal);
  const drugs = (bundle.entry ?? []).flatMap((e) => (e.resource ? [drugOf(e.resource)] : []));
  return { total: bundle.total ?? drugs.length, drugs };
}
