/**
 * The drug-drug interaction rules of `knowledge/interactions.json`, indexed by ingredient pair:
 * each rule names two sides as lists of classes; at load every (ingredient on one side, ingredient
 * on the other) pair is expanded once into a map, so a check is one lookup per pair of drugs.
 * A pair of the same ingredient never interacts with itself (that is duplicate therapy). Pure.
 */
import type { FindingReference, FindingSeverity } from './check-types.ts';
import type { ClassIndex } from './classes.ts';

export interface InteractionRule {
  id: string;
  a: readonly string[];
  b: readonly string[];
  severity: FindingSeverity;
  effect: string;
  mechanism: string;
  management: string;
  references: readonly FindingReference[];
  replaceWhenDraftIn?: 'a' | 'b';
  replacement?: { code: string; display: string };
  /** Member ingredient keys of each side. */
  sideA: ReadonlySet<string>;
  sideB: ReadonlySet<string>;
}

export interface InteractionFile {
  rules: Array<Omit<InteractionRule, 'references' | 'sideA' | 'sideB'> & { references: string[] }>;
}

export interface InteractionIndex {
  rules: readonly InteractionRule[];
  /** Rules that fire for two ingredient keys, with the side the first key is on. */
  between(first: string, second: string): ReadonlyArray<{ rule: InteractionRule; firstSide: 'a' | 'b' }>;
}

export function buildInteractionIndex(file: InteractionFile, classes: ClassIndex, refs: (k: readonly string[]) => FindingReference[]): InteractionIndex {
  const members = (ids: readonly string[], ruleId: string): Set<string> => {
    const out = new Set<string>();
    for (const id of ids) {
      const cls = classes.get(id);
      if (!cls) throw new Error(`knowledge: interaction ${ruleId} names unknown class '${id}'`);
      for (const m of cls.members) out.add(m);
    }
    return out;
  };
  const rules: InteractionRule[] = file.rules.map((r) => ({ ...r, references: refs(r.references), sideA: members(r.a, r.id), sideB: members(r.b, r.id) }));
  const pairs = new Map<string, Array<{ rule: InteractionRule; firstSide: 'a' | 'b' }>>();
  const add = (x: string, y: string, rule: InteractionRule, side: 'a' | 'b'): void => {
    if (x === y) return;
    const k = `${x}|${y}`;
    const list = pairs.get(k) ?? [];
    if (!list.some((e) => e.rule === rule)) list.push({ rule, firstSide: side });
    pairs.set(k, list);
  };
  for (const rule of rules) {
    for (const x of rule.sideA) {
      for (const y of rule.sideB) {
        add(x, y, rule, 'a');
        add(y, x, rule, 'b');
      }
    }
  }
  return { rules, between: (first, second) => pairs.get(`${first}|${second}`) ?? [] };
}
