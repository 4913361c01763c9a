/**
 * The measures the flowsheet and trend charts show, and how one Observation gives a point of one:
 * by LOINC code, or as a component of a panel (systolic and diastolic pressure are components of
 * the blood pressure panel 85354-9, and may also come as Observations of their own). Labs beyond
 * the listed ones get a row each, by code. It does no I/O.
 */
import type { Observation, Quantity } from '@medplum/fhirtypes';
import { conceptText, labFlag } from '../../fhir/format.ts';

export interface Range {
  low?: number;
  high?: number;
}

export interface Measure {
  /** The LOINC code, unique per measure. */
  code: string;
  label: string;
  group: 'vitals' | 'labs';
  /**
   * A range to draw when the Observations carry none (vital signs are recorded without one):
   * usual adult values, said so on screen.
   */
  usualRange?: Range;
}

export const VITAL_MEASURES: readonly Measure[] = [
  { code: '8480-6', label: 'Systolic blood pressure', group: 'vitals', usualRange: { low: 90, high: 129 } },
  { code: '8462-4', label: 'Diastolic blood pressure', group: 'vitals', usualRange: { low: 60, high: 79 } },
  { code: '8867-4', label: 'Heart rate', group: 'vitals', usualRange: { low: 60, high: 100 } },
  { code: '9279-1', label: 'Respiratory rate', group: 'vitals', usualRange: { low: 12, high: 20 } },
  { code: '8310-5', label: 'Body temperature', group: 'vitals', usualRange: { low: 36.1, high: 37.9 } },
  { code: '2708-6', label: 'Oxygen saturation', group: 'vitals', usualRange: { low: 95, high: 100 } },
  { code: '29463-7', label: 'Body weight', group: 'vitals' },
  { code: '8302-2', label: 'Body height', group: 'vitals' },
  { code: '39156-5', label: 'BMI', group: 'vitals', usualRange: { low: 18.5, high: 24.9 } },
];

/**
 * A vital sign's name as clinicians say it (the names of the FHIR vital signs profiles), whatever
 * text the record carries: Synthea and many interfaces send LOINC's long names, such as "Blood
 * pressure panel with all children optional". Other Observations keep their own text.
 */
const VITAL_NAMES: ReadonlyMap<string, string> = new Map([
  ['85354-9', 'Blood pressure'],
  ['59408-5', 'Oxygen saturation'],
  ...VITAL_MEASURES.map((m): [string, string] => [m.code, m.label]),
]);

export function vitalName(o: Pick<Observation, 'code'>): string {
  for (const c of o.code.coding ?? []) {
    const name = c.system === 'http://loinc.org' && c.code ? VITAL_NAMES.get(c.code) : undefined;
    if (name) return name;
  }
  return conceptText(o.code);
}

/** Labs listed first, in this order, when present; any other lab follows by name. */
export const KEY_LABS: readonly string[] = ['4548-4', '2345-7', '2093-3', '18262-6', '2085-9', '2571-8'];

export interface Point {
  /** The Observation it came from. */
  ref: string;
  measure: string;
  /** The effective date and time as recorded, and its day (`YYYY-MM-DD`). */
  date: string;
  day: string;
  value: number;
  unit?: string;
  range?: Range;
  abnormal: boolean;
}

const codesOf = (c: { coding?: { code?: string }[] } | undefined): string[] => (c?.coding ?? []).map((x) => x.code ?? '');

function rangeOf(o: Observation): Range | undefined {
  const r = o.referenceRange?.[0];
  if (r?.low?.value === undefined && r?.high?.value === undefined) return undefined;
  return { ...(r.low?.value !== undefined ? { low: r.low.value } : {}), ...(r.high?.value !== undefined ? { high: r.high.value } : {}) };
}

export const outside = (value: number, range: Range | undefined): boolean =>
  range !== undefined && ((range.low !== undefined && value < range.low) || (range.high !== undefined && value > range.high));

function point(o: Observation, measure: string, q: Quantity | undefined, usual: Range | undefined): Point | undefined {
  const date = o.effectiveDateTime ?? o.effectivePeriod?.start ?? o.effectiveInstant;
  if (q?.value === undefined || !date) return undefined;
  const range = rangeOf(o) ?? usual;
  return {
    ref: `Observation/${o.id ?? ''}`,
    measure,
    date,
    day: date.slice(0, 10),
    value: q.value,
    ...(q.unit ? { unit: q.unit } : {}),
    ...(range ? { range } : {}),
    abnormal: labFlag(o) !== undefined || outside(q.value, range),
  };
}

/** Every point the Observations give, for the listed vitals and for every lab code. */
export function observationPoints(observations: readonly Observation[]): Point[] {
  const vitals = new Map(VITAL_MEASURES.map((m) => [m.code, m]));
  const out: Point[] = [];
  for (const o of observations) {
    const codes = codesOf(o.code);
    const isLab = (o.category ?? []).some((c) => codesOf(c).includes('laboratory'));
    const vital = codes.map((c) => vitals.get(c)).find((m) => m !== undefined);
    if (vital || isLab) {
      const p = point(o, vital?.code ?? codes[0] ?? conceptText(o.code), o.valueQuantity, vital?.usualRange);
      if (p) out.push(p);
    }
    for (const c of o.component ?? []) {
      const m = codesOf(c.code).map((x) => vitals.get(x)).find((x) => x !== undefined);
      const p = m && point({ ...o, referenceRange: c.referenceRange ?? [], interpretation: c.interpretation ?? [] }, m.code, c.valueQuantity, m.usualRange);
      if (p) out.push(p);
    }
  }
  return out;
}

/** The measures the points cover: vitals in their order, then key labs, then other labs by name. */
export function measuresOf(points: readonly Point[], labNames: ReadonlyMap<string, string>): Measure[] {
  const present = new Set(points.map((p) => p.measure));
  const vitals = VITAL_MEASURES.filter((m) => present.has(m.code));
  const vitalCodes = new Set(VITAL_MEASURES.map((m) => m.code));
  const labs = [...present]
    .filter((c) => !vitalCodes.has(c))
    .map((code): Measure => ({ code, label: labNames.get(code) ?? code, group: 'labs' }))
    .sort((a, b) => {
      const ia = KEY_LABS.indexOf(a.code);
      const ib = KEY_LABS.indexOf(b.code);
      if (ia !== ib) return (ia < 0 ? KEY_LABS.length : ia) - (ib < 0 ? KEY_LABS.length : ib);
      return a.label.localeCompare(b.label);
    });
  return [...vitals, ...labs];
}

/** Names of lab codes, from the Observations' own code text. */
export function labNames(observations: readonly Observation[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const o of observations) {
    const code = codesOf(o.code)[0];
    if (code && !names.has(code)) names.set(code, conceptText(o.code));
  }
  return names;
}
