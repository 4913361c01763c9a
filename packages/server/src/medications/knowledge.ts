/**
 * Loads the medication knowledge the checks and the catalogue read: the RxNorm catalogue
 * (`terminology/rxnorm.tsv` plus the `rxnorm` rows of `supplement.tsv`) and the rule files in
 * `knowledge/` (references, drug classes, interactions, allergy groups, dose limits), and builds
 * their indexes. `loadKnowledge(dirs)` builds a fresh, immutable `Knowledge` (tests, a site's own
 * files); `shippedKnowledge()` builds the shipped one on first use and then shares it: a lazily
 * built, read-only cache keyed by the two folder paths, holding reference data and never request
 * state. Loading is synchronous so that `runOrderChecks` can stay a plain function.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCatalogue, type Catalogue } from './catalogue.ts';
import { buildCatalogueSearch, type CatalogueSearch } from './catalogue-search.ts';
import { buildClassIndex, type ClassFile, type ClassIndex } from './classes.ts';
import type { FindingReference } from './check-types.ts';
import { buildInteractionIndex, type InteractionFile, type InteractionIndex } from './interaction-rules.ts';
import { buildAllergyIndex, type AllergyFile, type AllergyIndex } from './allergy-rules.ts';
import { buildDoseIndex, type DoseFile, type DoseIndex } from './dose-rules.ts';
import { NameMatcher } from './name-matcher.ts';

export const SHIPPED_KNOWLEDGE_DIR = fileURLToPath(new URL('../../knowledge/', import.meta.url));
export const SHIPPED_TERMINOLOGY_DIR = fileURLToPath(new URL('../../terminology/', import.meta.url));

export interface Knowledge {
  catalogue: Catalogue;
  classes: ClassIndex;
  interactions: InteractionIndex;
  allergy: AllergyIndex;
  doses: DoseIndex;
  /** Finds ingredient names (catalogue, classes, dose limits) inside free text. */
  names: NameMatcher;
  /** Searches the catalogue (`MedicationKnowledge/$catalogue`). */
  search: CatalogueSearch;
}

const readJson = <T>(dir: string, file: string): T => JSON.parse(readFileSync(join(dir, file), 'utf8')) as T;

function rxnormRows(terminologyDir: string): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  const lines = (file: string): string[][] =>
    readFileSync(join(terminologyDir, file), 'utf8')
      .split(/\r?\n/)
      .slice(1)
      .filter((l) => l.trim() !== '')
      .map((l) => l.split('\t').map((c) => c.trim()));
  for (const [code, display] of lines('rxnorm.tsv')) if (code && display) rows.push([code, display]);
  let supplement: string[][] = [];
  try {
    supplement = lines('supplement.tsv');
  } catch {
    supplement = [];
  }
  for (const [table, code, display] of supplement) if (table === 'rxnorm' && code && display) rows.push([code, display]);
  return rows;
}

export function loadKnowledge(dirs: { knowledge: string; terminology: string }): Knowledge {
  const refFile = readJson<Record<string, FindingReference>>(dirs.knowledge, 'references.json');
  const refs = (keys: readonly string[] | undefined): FindingReference[] =>
    (keys ?? []).map((k) => {
      const r = refFile[k];
      if (!r) throw new Error(`knowledge: unknown reference '${k}'`);
      return r;
    });
  const catalogue = buildCatalogue(rxnormRows(dirs.terminology));
  const allergyFile = readJson<AllergyFile>(dirs.knowledge, 'allergy.json');
  const classFile = readJson<ClassFile>(dirs.knowledge, 'drug-classes.json');
  const classes = buildClassIndex({ classes: { ...classFile.classes, ...extraClasses(allergyFile) } }, refs);
  const interactions = buildInteractionIndex(readJson<InteractionFile>(dirs.knowledge, 'interactions.json'), classes, refs);
  const allergy = buildAllergyIndex(allergyFile, classes, refs);
  const doses = buildDoseIndex(readJson<DoseFile>(dirs.knowledge, 'dose-limits.json'));
  const names = new NameMatcher([...catalogue.ingredientKeys, ...classes.all().flatMap((c) => [...c.members]), ...doses.keys()]);
  return { catalogue, classes, interactions, allergy, doses, names, search: buildCatalogueSearch(catalogue, classes) };
}

function extraClasses(file: AllergyFile): ClassFile['classes'] {
  const out: ClassFile['classes'] = {};
  for (const [id, c] of Object.entries(file.extraClasses ?? {})) out[id] = { label: c.label, kind: 'therapeutic', duplicate: false, members: c.members };
  return out;
}

const cache = new Map<string, Knowledge>();

/** The shipped knowledge, built on first call and shared (immutable reference data). */
export function shippedKnowledge(): Knowledge {
  const key = `${SHIPPED_KNOWLEDGE_DIR}|${SHIPPED_TERMINOLOGY_DIR}`;
  let k = cache.get(key);
  if (!k) {
    k = loadKnowledge({ knowledge: SHIPPED_KNOWLEDGE_DIR, terminology: SHIPPED_TERMINOLOGY_DIR });
    cache.set(key, k);
  }
  return k;
}
