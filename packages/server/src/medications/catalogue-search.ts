/**
 * Searching the medication catalogue (`MedicationKnowledge/$catalogue`): by `name` (words in any
 * order, each the prefix of a word of an ingredient or the brand, case and accents ignored), by
 * `strength` ("20", "20 mg", "5 mg/ml"), dose `form` (word prefixes, "tab" finds tablets),
 * `ingredient` (exact, salt-insensitive), drug `class` (an id of drug-classes.json) and exact
 * RxNorm `code`. All criteria must hold. Results rank single-ingredient products before
 * combinations and ingredient concepts, then shorter displays, then alphabetically. The word
 * index is built once per catalogue. Pure.
 */
import type { Catalogue, CatalogueEntry } from './catalogue.ts';
import type { ClassIndex } from './classes.ts';
import { foldName, ingredientKey } from './names.ts';

export interface CatalogueQuery {
  name?: string;
  strength?: { value: number; unit?: string };
  form?: string;
  ingredient?: string;
  class?: string;
  code?: string;
}

interface Indexed {
  entry: CatalogueEntry;
  nameWords: string[];
  formWords: string[];
  rank: number;
}

export interface CatalogueSearch {
  search(q: CatalogueQuery, count: number): { total: number; entries: CatalogueEntry[] };
}

const words = (s: string): string[] => foldName(s).split(/[\s-]+/).filter(Boolean);

/** Parses "20", "20 mg", "0.5 MG/ML"; undefined when it is not a strength. */
export function parseStrength(text: string): CatalogueQuery['strength'] | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+(?:\s*\/\s*[a-zA-Z]+)?)?\s*$/.exec(text);
  if (!m) return undefined;
  return { value: Number(m[1]), ...(m[2] ? { unit: m[2].replace(/\s+/g, '').toUpperCase() } : {}) };
}

export function buildCatalogueSearch(catalogue: Catalogue, classes: ClassIndex): CatalogueSearch {
  const indexed: Indexed[] = catalogue.entries
    .map((entry) => ({
      entry,
      nameWords: [...new Set([...entry.ingredients.flatMap((i) => [...words(i.name), ...words(i.key)]), ...(entry.brand ? words(entry.brand) : [])])],
      formWords: entry.doseForm ? words(entry.doseForm) : [],
      rank: entry.ingredientOnly ? 2 : entry.ingredients.length === 1 ? 0 : 1,
    }))
    .sort((a, b) => a.rank - b.rank || a.entry.display.length - b.entry.display.length || a.entry.display.localeCompare(b.entry.display));

  return {
    search(q, count) {
      const nameTerms = q.name ? words(q.name) : [];
      const formTerms = q.form ? words(q.form) : [];
      const ingredient = q.ingredient ? ingredientKey(q.ingredient) : undefined;
      const members = q.class ? classes.get(q.class)?.members : undefined;
      const matches = indexed.filter(({ entry, nameWords, formWords }) => {
        if (q.code && entry.code !== q.code) return false;
        if (ingredient && !entry.ingredients.some((i) => i.key === ingredient)) return false;
        if (q.class && !entry.ingredients.some((i) => members?.has(i.key))) return false;
        if (!nameTerms.every((t) => nameWords.some((w) => w.startsWith(t)))) return false;
        if (!formTerms.every((t) => formWords.some((w) => w.startsWith(t)))) return false;
        if (q.strength) {
          const { value, unit } = q.strength;
          const unitOf = (s: NonNullable<CatalogueEntry['ingredients'][number]['strength']>): string => (s.perUnit ? `${s.unit}/${s.perUnit}` : s.unit);
          if (!entry.ingredients.some((i) => i.strength && i.strength.value === value && (!unit || unitOf(i.strength) === unit))) return false;
        }
        return true;
      });
      return { total: matches.length, entries: matches.slice(0, count).map((m) => m.entry) };
    },
  };
}
