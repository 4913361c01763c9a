/**
 * The order checks: `runOrderChecks(input)` answers, for the draft orders of `input`, the
 * drug-drug interactions, drug allergies and intolerances, duplicate therapy, doses above the
 * maximum, and duplicate lab orders (contract: check-types.ts). Pure and deterministic: the
 * caller reads the record and passes it in, the time is `input.now`, and the same input always
 * gives the same findings in the same order with the same ids. The knowledge defaults to the
 * shipped files (knowledge.ts); pass another to test or to use a site's own.
 */
import type { OrderCheckFinding, OrderCheckInput } from './check-types.ts';
import { allergyFindings } from './allergy.ts';
import { doseFindings } from './dose.ts';
import { duplicateFindings } from './duplicates.ts';
import { interactionFindings } from './interactions.ts';
import { shippedKnowledge, type Knowledge } from './knowledge.ts';
import { labDuplicateFindings } from './lab-duplicates.ts';
import { activeDrugs, draftDrugs, othersFor } from './subjects.ts';

const SEVERITY_ORDER = { high: 0, moderate: 1, low: 2 } as const;

export function runOrderChecks(input: OrderCheckInput, knowledge: Knowledge = shippedKnowledge()): OrderCheckFinding[] {
  const drafts = draftDrugs(input.drafts, knowledge);
  const actives = activeDrugs(input.activeMedications, knowledge);
  const findings: OrderCheckFinding[] = [];
  for (const d of drafts) {
    const others = othersFor(d, actives, drafts);
    findings.push(...interactionFindings(d, others, knowledge));
    findings.push(...allergyFindings(d, input.allergies, knowledge));
    findings.push(...duplicateFindings(d, others, knowledge));
    findings.push(...doseFindings(d, input, knowledge));
  }
  input.drafts.forEach((draft, index) => {
    if (draft.resourceType === 'ServiceRequest') findings.push(...labDuplicateFindings(draft, index, input));
  });
  const seen = new Set<string>();
  return findings
    .filter((f) => (seen.has(f.id) ? false : (seen.add(f.id), true)))
    .sort((a, b) => a.draftIndex - b.draftIndex || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
