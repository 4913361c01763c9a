/**
 * Drug-drug interaction findings: for each draft medication order, every rule of
 * `knowledge/interactions.json` that fires between one of its ingredients and an ingredient of an
 * active medication or an earlier draft. Findings name both drugs, the mechanism, what to do, and
 * offer "remove the new order" and, where the rule has one, a replacement. Pure.
 */
import type { OrderCheckFinding } from './check-types.ts';
import type { Knowledge } from './knowledge.ts';
import { capital, clip, drugTag } from './resolve.ts';
import type { DraftDrug, OtherDrug } from './subjects.ts';

export function interactionFindings(d: DraftDrug, others: readonly OtherDrug[], k: Knowledge): OrderCheckFinding[] {
  const out = new Map<string, OrderCheckFinding>();
  for (const other of others) {
    for (const dk of d.drug.keys) {
      for (const ok of other.drug.keys) {
        for (const { rule, firstSide } of k.interactions.between(dk, ok)) {
          const id = `drug-drug:${rule.id}:${drugTag(d.drug)}:${other.ref.reference ?? ''}`;
          if (out.has(id)) continue;
          const suggestions: OrderCheckFinding['suggestions'] = [{ label: `Remove the ${d.drug.display} order`, action: 'remove-draft' }];
          if (rule.replacement && rule.replaceWhenDraftIn === firstSide) {
            suggestions.push({ label: `Switch to ${rule.replacement.display}`, action: 'replace-medication', replacement: rule.replacement });
          }
          out.set(id, {
            id,
            kind: 'drug-drug',
            severity: rule.severity,
            summary: clip(`${capital(dk)} with ${ok}: ${rule.effect}`),
            detail: [
              `**${d.drug.display}** (being ordered) with **${other.drug.display}** (${other.source}).`,
              rule.mechanism,
              `**What to do:** ${rule.management}`,
              `Rule \`${rule.id}\`: ${sideLabel(rule.a, k)} / ${sideLabel(rule.b, k)}.`,
            ].join('\n\n'),
            references: [...rule.references],
            draftIndex: d.index,
            implicated: [other.ref],
            suggestions,
            rule: rule.id,
          });
        }
      }
    }
  }
  return [...out.values()];
}

const sideLabel = (ids: readonly string[], k: Knowledge): string => ids.map((id) => k.classes.get(id)?.label ?? id).join(' or ');
