/**
 * Drug-allergy and drug-intolerance findings. An AllergyIntolerance names its allergen by RxNorm
 * (any product or ingredient), by one of the SNOMED CT codes in `knowledge/allergy.json`, or only
 * by text ("Penicillin", "Sulfa drugs"); each becomes ingredients and classes (`allergenOf`). A
 * draft then matches by the same ingredient (high), the same class where an allergy to one member
 * implicates the others (severity per class), or a documented cross-sensitivity (penicillin and
 * cephalosporins: moderate). Refuted, entered-in-error, inactive and resolved records are ignored;
 * `type: intolerance` gives a moderate `drug-intolerance` finding instead. Pure.
 */
import type { AllergyIntolerance, CodeableConcept } from '@medplum/fhirtypes';
import type { Allergen } from './allergy-rules.ts';
import type { FindingReference, FindingSeverity, OrderCheckFinding } from './check-types.ts';
import type { Knowledge } from './knowledge.ts';
import { foldName } from './names.ts';
import { capital, clip, drugTag, RXNORM } from './resolve.ts';
import type { DraftDrug } from './subjects.ts';

const SNOMED = 'http://snomed.info/sct';

export function isAllergyActive(a: AllergyIntolerance): boolean {
  const clinical = a.clinicalStatus?.coding?.map((c) => c.code) ?? [];
  const verification = a.verificationStatus?.coding?.map((c) => c.code) ?? [];
  if (clinical.some((c) => c === 'inactive' || c === 'resolved')) return false;
  return !verification.some((c) => c === 'refuted' || c === 'entered-in-error');
}

/** The ingredients and classes an allergy record names. */
export function allergenOf(code: CodeableConcept | undefined, k: Knowledge): Allergen {
  const ingredients = new Set<string>();
  const classes = new Set<string>();
  const texts: string[] = [];
  for (const c of code?.coding ?? []) {
    const entry = c.system === RXNORM && c.code ? k.catalogue.byCode.get(c.code) : undefined;
    const snomed = c.system === SNOMED && c.code ? k.allergy.snomed.get(c.code) : undefined;
    if (entry) entry.ingredients.forEach((i) => ingredients.add(i.key));
    else if (snomed) {
      snomed.ingredients.forEach((i) => ingredients.add(i));
      snomed.classes.forEach((i) => classes.add(i));
    } else if (c.display) texts.push(c.display);
  }
  if (code?.text && ingredients.size === 0 && classes.size === 0) texts.push(code.text);
  for (const text of texts) {
    const folded = ` ${foldName(text)} `;
    for (const [words, named] of k.allergy.textWords) {
      if (folded.includes(` ${words} `)) {
        named.ingredients.forEach((i) => ingredients.add(i));
        named.classes.forEach((i) => classes.add(i));
      }
    }
    k.names.find(text).forEach((i) => ingredients.add(i));
  }
  return { ingredients: [...ingredients], classes: [...classes] };
}

interface Match {
  severity: FindingSeverity;
  rule: string;
  why: string;
  references: readonly FindingReference[];
  ingredient: string;
}

const RANK = { high: 0, moderate: 1, low: 2 } as const;

function matchDraft(d: DraftDrug, allergen: Allergen, k: Knowledge): Match | undefined {
  const matches: Match[] = [];
  for (const dk of d.drug.keys) {
    if (allergen.ingredients.includes(dk)) {
      matches.push({ severity: 'high', rule: `allergy-ingredient:${dk}`, why: `${dk} is the recorded allergen`, references: [], ingredient: dk });
      continue;
    }
    for (const id of allergen.classes) {
      const cls = k.classes.get(id);
      if (!cls?.members.has(dk)) continue;
      const rule = k.allergy.classRules.find((r) => r.cls.id === id);
      matches.push({ severity: rule?.severity ?? 'high', rule: `allergy-class:${id}`, why: `${dk} is one of the ${cls.label.toLowerCase()}, the recorded allergen`, references: rule?.references ?? cls.references, ingredient: dk });
    }
    for (const rule of k.allergy.classRules) {
      if (!rule.cls.members.has(dk)) continue;
      const via = allergen.ingredients.find((i) => rule.cls.members.has(i));
      if (via) {
        const note = rule.note ? ` ${rule.note}` : '';
        matches.push({ severity: rule.severity, rule: `allergy-class:${rule.cls.id}`, why: `${dk} and ${via} are both ${rule.cls.label.toLowerCase()}.${note}`, references: rule.references, ingredient: dk });
      }
    }
    for (const cross of k.allergy.cross) {
      if (!cross.to.members.has(dk)) continue;
      const fromCls = cross.from.class ? k.classes.get(cross.from.class) : undefined;
      const hit =
        (cross.from.ingredient && allergen.ingredients.includes(cross.from.ingredient)) ||
        (fromCls && (allergen.classes.includes(fromCls.id) || allergen.ingredients.some((i) => fromCls.members.has(i))));
      if (hit) {
        const from = cross.from.ingredient ?? fromCls?.label.toLowerCase() ?? '';
        matches.push({ severity: cross.severity, rule: `allergy-cross:${cross.from.ingredient ?? cross.from.class}:${cross.to.id}`, why: `cross-sensitivity between ${from} and ${cross.to.label.toLowerCase()}. ${cross.note}`, references: cross.references, ingredient: dk });
      }
    }
  }
  return matches.sort((a, b) => RANK[a.severity] - RANK[b.severity])[0];
}

export function allergyFindings(d: DraftDrug, allergies: readonly AllergyIntolerance[], k: Knowledge): OrderCheckFinding[] {
  const out: OrderCheckFinding[] = [];
  for (const a of allergies) {
    if (!isAllergyActive(a)) continue;
    const m = matchDraft(d, allergenOf(a.code, k), k);
    if (!m) continue;
    const intolerance = a.type === 'intolerance';
    const kind = intolerance ? 'drug-intolerance' : 'drug-allergy';
    const allergenName = a.code?.text ?? a.code?.coding?.find((c) => c.display)?.display ?? 'a recorded allergen';
    const reactions = (a.reaction ?? []).flatMap((r) => (r.manifestation ?? []).map((x) => x.text ?? x.coding?.[0]?.display)).filter(Boolean);
    const unconfirmed = a.verificationStatus?.coding?.some((c) => c.code === 'unconfirmed');
    const ref = { reference: a.id ? `AllergyIntolerance/${a.id}` : 'AllergyIntolerance', display: `${intolerance ? 'Intolerance' : 'Allergy'}: ${allergenName}` };
    out.push({
      id: `${kind}:${m.rule}:${drugTag(d.drug)}:${ref.reference}`,
      kind,
      severity: intolerance ? 'moderate' : m.severity,
      summary: clip(`${capital(m.ingredient)}: recorded ${intolerance ? 'intolerance' : 'allergy'} to ${allergenName}${m.rule.startsWith('allergy-cross') ? ' (cross-sensitivity)' : ''}`),
      detail: [
        `**${d.drug.display}** is being ordered; the patient has a recorded ${intolerance ? 'intolerance' : 'allergy'} to **${allergenName}**${unconfirmed ? ' (unconfirmed)' : ''}.`,
        `Why: ${m.why}`,
        reactions.length ? `Recorded reaction: ${reactions.join(', ')}${a.criticality ? ` (criticality ${a.criticality})` : ''}.` : '',
        '**What to do:** choose a drug outside the allergen\'s class, or confirm tolerance (e.g. allergy evaluation) before ordering.',
      ].filter(Boolean).join('\n\n'),
      references: [...m.references],
      draftIndex: d.index,
      implicated: [ref],
      suggestions: [{ label: `Remove the ${d.drug.display} order`, action: 'remove-draft' }],
      rule: m.rule,
    });
  }
  return out;
}
