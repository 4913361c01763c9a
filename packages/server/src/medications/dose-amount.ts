/**
 * What a medication order asks for, in mg of each ingredient: the first dosage instruction's dose
 * (`doseAndRate[0].doseQuantity`, or the top of `doseRange`) read as mg (g, mcg converted), as a
 * count of tablets or capsules times the product's strength, or as mL times its concentration; and
 * how many doses a day its timing gives (`repeat.frequency` per `period` `periodUnit`, or a
 * common `timing.code` such as BID). Undefined where the order does not say. Pure.
 */
import type { Dosage, MedicationRequest } from '@medplum/fhirtypes';
import type { CatalogueIngredient } from './catalogue.ts';
import type { ResolvedDrug } from './resolve.ts';

const MASS: Record<string, number> = { mg: 1, g: 1000, gram: 1000, grams: 1000, mcg: 0.001, ug: 0.001, 'µg': 0.001, microgram: 0.001, milligram: 1, milligrams: 1 };
const UNITS = new Set(['tab', 'tabs', 'tablet', 'tablets', '{tbl}', '{tablet}', 'cap', 'caps', 'capsule', 'capsules', '{capsule}', '{cap}', 'each', '{each}']);
const VOLUME: Record<string, number> = { ml: 1, l: 1000 };
const PER_DAY_CODES: Record<string, number> = { QD: 1, BID: 2, TID: 3, QID: 4, AM: 1, PM: 1, QOD: 0.5, Q4H: 6, Q6H: 4, Q8H: 3, Q12H: 2, HS: 1 };
const PERIOD_DAYS: Record<string, number> = { s: 1 / 86400, min: 1 / 1440, h: 1 / 24, d: 1, wk: 7, mo: 30, a: 365 };

export interface OrderedDose {
  /** mg of the ingredient per administration. */
  mg: number;
  /** How the mg was worked out, e.g. "2 tablet × 500 MG". */
  how: string;
}

/** The dose of one ingredient per administration, in mg. */
export function doseOf(dosage: Dosage | undefined, ingredient: CatalogueIngredient, drug: ResolvedDrug): OrderedDose | undefined {
  const dr = dosage?.doseAndRate?.[0];
  const q = dr?.doseQuantity ?? dr?.doseRange?.high;
  if (q?.value === undefined || q.value <= 0) return undefined;
  const unit = (q.code ?? q.unit ?? '').trim().toLowerCase();
  const s = ingredient.strength;
  if (unit in MASS) {
    // A mass dose names the drug as a whole: only meaningful for a single-ingredient drug.
    if (drug.keys.length !== 1) return undefined;
    return { mg: q.value * MASS[unit]!, how: `${q.value} ${q.unit ?? unit}` };
  }
  if (UNITS.has(unit) && s && s.unit === 'MG' && !s.perUnit) return { mg: q.value * s.value, how: `${q.value} ${q.unit ?? unit} × ${s.value} mg` };
  if (unit in VOLUME && s && s.unit === 'MG' && s.perUnit === 'ML') {
    const ml = q.value * VOLUME[unit]!;
    return { mg: ml * s.value, how: `${ml} mL × ${s.value} mg/mL` };
  }
  return undefined;
}

/** Administrations per day from the timing, or undefined when it does not say. */
export function perDayOf(dosage: Dosage | undefined): number | undefined {
  const timing = dosage?.timing;
  const r = timing?.repeat;
  if (r?.period !== undefined && r.periodUnit) {
    const days = r.period * (PERIOD_DAYS[r.periodUnit] ?? NaN);
    const freq = r.frequencyMax ?? r.frequency ?? 1;
    if (days > 0) return freq / days;
  }
  const code = timing?.code?.coding?.find((c) => c.code && c.code.toUpperCase() in PER_DAY_CODES)?.code;
  return code ? PER_DAY_CODES[code.toUpperCase()] : undefined;
}

/** Whether the order is for an oral product or route (unknown counts as oral). */
export function isOral(order: MedicationRequest, drug: ResolvedDrug): boolean {
  const route = order.dosageInstruction?.[0]?.route;
  const routeText = [route?.text, ...(route?.coding ?? []).map((c) => c.display)].filter(Boolean).join(' ').toLowerCase();
  if (routeText) return /oral|mouth|po\b/.test(routeText);
  const form = drug.entry?.doseForm?.toLowerCase();
  return !form || /oral|tablet|capsule|chewable|lozenge/.test(form);
}
