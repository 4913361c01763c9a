/**
 * The medication catalogue: every RxNorm drug the server ships (`terminology/rxnorm.tsv` plus the
 * `rxnorm` rows of `supplement.tsv`), each display parsed into its ingredients (name, strength
 * value and unit), dose form, pack and brand. RxNorm displays follow a fixed grammar:
 * `[<quantity> <unit> ]<ingredient> <value> <unit>[ / <ingredient> <value> <unit>]... <Dose Form>`
 * with `[Brand]` for branded drugs and `{n (drug) / m (drug) } Pack` for packs; a bare name is an
 * ingredient concept. Parsing is pure; reading the files is `knowledge.ts`.
 */
import { ingredientKey } from './names.ts';

export interface CatalogueIngredient {
  /** As RxNorm writes it, e.g. "metoprolol succinate". */
  name: string;
  /** The active-moiety key used for matching, e.g. "metoprolol" (names.ts). */
  key: string;
  /** Strength, e.g. 20 MG, or 5 MG per 1 ML for a liquid. */
  strength?: { value: number; unit: string; perValue?: number; perUnit?: string };
}

export interface CatalogueEntry {
  code: string;
  display: string;
  ingredients: CatalogueIngredient[];
  /** E.g. "Oral Tablet"; absent for an ingredient concept. */
  doseForm?: string;
  brand?: string;
  /** The product quantity prefix, e.g. 1 ML of a prefilled syringe, 24 HR of an extended-release tablet. */
  quantity?: { value: number; unit: string };
  /** True for an ingredient-level concept (no strength or form), e.g. hand-added supplement rows. */
  ingredientOnly: boolean;
}

const COMPONENT = /^(.+?) (\d+(?:\.\d+)?) ([A-Z]+(?:\/[A-Z]+)?)(?: (.+))?$/;
// An optional qualifier ("Abuse-Deterrent", "50/50 Release", "1 MG Dose") then the quantity.
const QUANTITY = /^(?:.*?\s)?(\d+(?:\.\d+)?) (ML|HR|DAY|ACTUAT) (?=[A-Za-z{])/;

function parseStrength(value: string, unit: string): CatalogueIngredient['strength'] {
  const [num, per] = unit.split('/');
  return per ? { value: Number(value), unit: num!, perValue: 1, perUnit: per } : { value: Number(value), unit: num! };
}

/** Parses the components of one drug ("a 5 MG / b 10 MG Oral Tablet"). */
function parseDrug(text: string): { ingredients: CatalogueIngredient[]; doseForm?: string } | undefined {
  const parts = text.split(' / ');
  const ingredients: CatalogueIngredient[] = [];
  let doseForm: string | undefined;
  for (const [i, part] of parts.entries()) {
    const m = COMPONENT.exec(part.trim());
    if (!m) {
      // A component without a strength (rare): the last one still carries the form after its name.
      if (i < parts.length - 1) ingredients.push({ name: part.trim(), key: ingredientKey(part) });
      else return undefined;
      continue;
    }
    const [, name, value, unit, rest] = m;
    ingredients.push({ name: name!, key: ingredientKey(name!), strength: parseStrength(value!, unit!) });
    if (rest !== undefined) {
      if (i < parts.length - 1) return undefined;
      doseForm = rest;
    }
  }
  return { ingredients, ...(doseForm ? { doseForm } : {}) };
}

/** Parses one RxNorm display; never throws (an unparsable display becomes an ingredient-only entry named by it). */
export function parseRxNormDisplay(code: string, display: string): CatalogueEntry {
  let text = display.trim();
  const brandMatch = /\s*\[([^\]]+)\]/.exec(text);
  const brand = brandMatch?.[1];
  if (brandMatch) text = text.replace(brandMatch[0], '');
  const base = { code, display, ...(brand ? { brand } : {}) };
  if (text.startsWith('{')) {
    // A pack: the ingredients of every drug inside, form "Pack".
    const inner = [...text.matchAll(/\d+ \(([^()]*(?:\([^()]*\)[^()]*)*)\)/g)].map((m) => parseDrug(m[1]!));
    const ingredients = dedupe(inner.flatMap((d) => d?.ingredients ?? []));
    return { ...base, ingredients, doseForm: 'Pack', ingredientOnly: false };
  }
  const q = QUANTITY.exec(text);
  if (q) text = text.slice(q[0].length);
  if (!/\d/.test(text)) {
    return { ...base, ingredients: [{ name: text, key: ingredientKey(text) }], ingredientOnly: true };
  }
  const drug = parseDrug(text);
  if (!drug) return { ...base, ingredients: [{ name: text, key: ingredientKey(text) }], ingredientOnly: true };
  return { ...base, ...drug, ...(q ? { quantity: { value: Number(q[1]), unit: q[2]! } } : {}), ingredientOnly: false };
}

function dedupe(list: CatalogueIngredient[]): CatalogueIngredient[] {
  const seen = new Map<string, CatalogueIngredient>();
  for (const i of list) if (!seen.has(i.key)) seen.set(i.key, i);
  return [...seen.values()];
}

/** The catalogue with its indexes, built once from the rows and then read-only. */
export interface Catalogue {
  entries: readonly CatalogueEntry[];
  byCode: ReadonlyMap<string, CatalogueEntry>;
  /** Ingredient key → entries containing it. */
  byIngredient: ReadonlyMap<string, readonly CatalogueEntry[]>;
  /** Every ingredient key known, longest first (for finding ingredient names inside free text). */
  ingredientKeys: readonly string[];
}

export function buildCatalogue(rows: ReadonlyArray<readonly [code: string, display: string]>): Catalogue {
  const byCode = new Map<string, CatalogueEntry>();
  for (const [code, display] of rows) if (!byCode.has(code)) byCode.set(code, parseRxNormDisplay(code, display));
  const entries = [...byCode.values()];
  const byIngredient = new Map<string, CatalogueEntry[]>();
  for (const e of entries) {
    for (const i of e.ingredients) {
      const list = byIngredient.get(i.key) ?? [];
      list.push(e);
      byIngredient.set(i.key, list);
    }
  }
  const ingredientKeys = [...byIngredient.keys()].sort((a, b) => b.length - a.length || a.localeCompare(b));
  return { entries, byCode, byIngredient, ingredientKeys };
}
