/**
 * Dose-range findings: for each ingredient of a draft order that has limits in
 * `knowledge/dose-limits.json`, the ordered dose per administration and per day (dose-amount.ts)
 * against the maximum that applies to the patient (adult, older adult, or a child by mg/kg with
 * the weight given, never above the adult maximum; age from Patient.birthDate at `now`). Above the
 * maximum is a high `dose-single` or `dose-daily` finding that states both doses and the basis.
 * Pure.
 */
import type { Patient } from '@medplum/fhirtypes';
import type { OrderCheckFinding, OrderCheckInput } from './check-types.ts';
import { doseOf, isOral, perDayOf } from './dose-amount.ts';
import { limitFor } from './dose-rules.ts';
import type { Knowledge } from './knowledge.ts';
import { capital, clip, drugTag } from './resolve.ts';
import type { DraftDrug } from './subjects.ts';

/** Whole years between the birth date and `now`, or undefined without a usable birth date. */
export function ageInYears(patient: Patient, now: Date): number | undefined {
  const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(patient.birthDate ?? '');
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2] ?? 1), Number(m[3] ?? 1)];
  let age = now.getUTCFullYear() - y;
  if (now.getUTCMonth() + 1 < mo || (now.getUTCMonth() + 1 === mo && now.getUTCDate() < d)) age--;
  return age >= 0 ? age : undefined;
}

const fmt = (n: number): string => String(Math.round(n * 100) / 100);

export function doseFindings(d: DraftDrug, input: OrderCheckInput, k: Knowledge): OrderCheckFinding[] {
  const out: OrderCheckFinding[] = [];
  const dosage = d.order.dosageInstruction?.[0];
  if (!dosage) return out;
  const age = ageInYears(input.patient, input.now);
  const perDay = perDayOf(dosage);
  for (const ing of d.drug.ingredients) {
    const entry = k.doses.get(ing.key);
    if (!entry || (entry.oralOnly && !isOral(d.order, d.drug))) continue;
    const dose = doseOf(dosage, ing, d.drug);
    if (!dose) continue;
    const limit = limitFor(entry, age, input.weight?.kg);
    const daily = perDay !== undefined ? dose.mg * perDay : undefined;
    const base = {
      severity: 'high' as const,
      references: [...entry.references],
      draftIndex: d.index,
      implicated: [],
      suggestions: [{ label: `Remove the ${d.drug.display} order`, action: 'remove-draft' as const }],
    };
    const note = entry.note ? `\n\n${entry.note}` : '';
    if (limit.single !== undefined && dose.mg > limit.single + 1e-9) {
      out.push({
        ...base,
        id: `dose-single:dose-${ing.key.replace(/\s+/g, '-')}:${drugTag(d.drug)}:draft-${d.index}`,
        kind: 'dose-single',
        summary: clip(`${capital(ing.key)} ${fmt(dose.mg)} mg per dose is above the maximum of ${fmt(limit.single)} mg`),
        detail: `**${d.drug.display}**: ordered ${fmt(dose.mg)} mg of ${ing.key} per dose (${dose.how}). Maximum single dose: **${fmt(limit.single)} mg** (${limit.basis}).${note}`,
        rule: `dose-single:${ing.key}`,
      });
    }
    if (limit.daily !== undefined && daily !== undefined && daily > limit.daily + 1e-9) {
      out.push({
        ...base,
        id: `dose-daily:dose-${ing.key.replace(/\s+/g, '-')}:${drugTag(d.drug)}:draft-${d.index}`,
        kind: 'dose-daily',
        summary: clip(`${capital(ing.key)} ${fmt(daily)} mg a day is above the maximum of ${fmt(limit.daily)} mg a day`),
        detail: `**${d.drug.display}**: ordered ${fmt(dose.mg)} mg (${dose.how}) ${fmt(perDay!)} times a day = ${fmt(daily)} mg of ${ing.key} a day. Maximum daily dose: **${fmt(limit.daily)} mg** (${limit.basis}).${note}`,
        rule: `dose-daily:${ing.key}`,
      });
    }
  }
  return out;
}
