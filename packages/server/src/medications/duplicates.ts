/**
 * Duplicate therapy: a draft medication order that contains the same ingredient as an active
 * medication or an earlier draft (high), or shares a therapeutic class marked `duplicate` in
 * `knowledge/drug-classes.json` (two statins, two SSRIs, an ACE inhibitor and an ARB is not: they
 * are different classes) (moderate). One finding per pair, the strongest. Pure.
 */
import type { OrderCheckFinding } from './check-types.ts';
import type { Knowledge } from './knowledge.ts';
import { capital, clip, drugTag } from './resolve.ts';
import type { DraftDrug, OtherDrug } from './subjects.ts';

export function duplicateFindings(d: DraftDrug, others: readonly OtherDrug[], k: Knowledge): OrderCheckFinding[] {
  const out: OrderCheckFinding[] = [];
  for (const o of others) {
    const same = d.drug.keys.find((key) => o.drug.keys.includes(key));
    let rule: string;
    let summary: string;
    let why: string;
    if (same) {
      rule = `duplicate-ingredient:${same}`;
      summary = `${capital(same)} is already ${o.draftIndex === undefined ? 'prescribed' : 'being ordered'}: duplicate therapy`;
      why = `Both contain ${same}.`;
    } else {
      const shared = d.drug.keys.flatMap((a) => k.classes.classesOf(a).filter((c) => c.duplicate && o.drug.keys.some((b) => c.members.has(b))))[0];
      if (!shared) continue;
      rule = `duplicate-class:${shared.id}`;
      summary = `Two ${shared.label.toLowerCase()}: ${d.drug.keys.join('/')} and ${o.drug.keys.join('/')}`;
      why = `Both are ${shared.label.toLowerCase()}.`;
    }
    out.push({
      id: `duplicate-therapy:${rule}:${drugTag(d.drug)}:${o.ref.reference ?? ''}`,
      kind: 'duplicate-therapy',
      severity: same ? 'high' : 'moderate',
      summary: clip(summary),
      detail: [`**${d.drug.display}** (being ordered) and **${o.drug.display}** (${o.source}).`, why, '**What to do:** stop one of them, or confirm that both are intended (e.g. a dose change written as a new order).'].join('\n\n'),
      references: same ? [] : [...(k.classes.get(rule.slice('duplicate-class:'.length))?.references ?? [])],
      draftIndex: d.index,
      implicated: [o.ref],
      suggestions: [{ label: `Remove the ${d.drug.display} order`, action: 'remove-draft' }],
      rule,
    });
  }
  return out;
}
