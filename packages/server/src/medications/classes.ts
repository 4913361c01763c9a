/**
 * Drug classes: which classes an ingredient belongs to and which ingredients a class holds, from
 * `knowledge/drug-classes.json` (therapeutic classes after WHO ATC groups; pharmacokinetic groups
 * after the FDA table of CYP inhibitors and inducers; small "interaction groups" that name the
 * exact members of one interaction rule). Built once, read-only afterwards. Pure.
 */
import type { FindingReference } from './check-types.ts';
import { ingredientKey } from './names.ts';

export type ClassKind = 'therapeutic' | 'pharmacokinetic' | 'interaction-group';

export interface DrugClass {
  id: string;
  label: string;
  kind: ClassKind;
  /** Sharing this class counts as duplicate therapy. */
  duplicate: boolean;
  members: ReadonlySet<string>;
  references: readonly FindingReference[];
}

export interface ClassFile {
  classes: Record<string, { label: string; kind: ClassKind; duplicate?: boolean; references?: string[]; members: string[] }>;
}

export interface ClassIndex {
  get(id: string): DrugClass | undefined;
  /** Classes of an ingredient key, in file order. */
  classesOf(key: string): readonly DrugClass[];
  all(): readonly DrugClass[];
}

export function buildClassIndex(file: ClassFile, refs: (keys: readonly string[] | undefined) => FindingReference[]): ClassIndex {
  const byId = new Map<string, DrugClass>();
  const byMember = new Map<string, DrugClass[]>();
  for (const [id, c] of Object.entries(file.classes)) {
    const cls: DrugClass = { id, label: c.label, kind: c.kind, duplicate: c.duplicate === true, members: new Set(c.members.map(ingredientKey)), references: refs(c.references) };
    byId.set(id, cls);
    for (const m of cls.members) byMember.set(m, [...(byMember.get(m) ?? []), cls]);
  }
  const all = [...byId.values()];
  return { get: (id) => byId.get(id), classesOf: (key) => byMember.get(key) ?? [], all: () => all };
}
