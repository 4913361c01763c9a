/**
 * How abnormal a lab result is, and the order the inbox lists results in. A result's flag comes
 * from the lab's interpretation when it sent one (critical HH/LL, H, L, A), otherwise from its
 * value against its reference range; a value without either is not flagged. Pure: no I/O.
 */
import type { Observation, ObservationReferenceRange } from '@medplum/fhirtypes';
import { unitText } from '../fhir/format.ts';

export type ResultFlag = 'HH' | 'LL' | 'AA' | 'H' | 'L' | 'A';

const CRITICAL_HIGH = new Set(['HH', 'HU', '>']);
const CRITICAL_LOW = new Set(['LL', 'LU', '<']);

/** The flag of one Observation: the lab's interpretation first, then the value against its range. */
export function resultFlag(o: Observation): ResultFlag | undefined {
  const codes = (o.interpretation ?? []).flatMap((i) => i.coding ?? []).map((c) => c.code ?? '');
  if (codes.some((c) => CRITICAL_HIGH.has(c))) return 'HH';
  if (codes.some((c) => CRITICAL_LOW.has(c))) return 'LL';
  if (codes.includes('H')) return 'H';
  if (codes.includes('L')) return 'L';
  if (codes.includes('AA')) return 'AA';
  if (codes.includes('A')) return 'A';
  if (codes.includes('N')) return undefined;
  return rangeFlag(o.valueQuantity?.value, o.referenceRange?.[0]);
}

/** H or L for a value outside a range's low or high; undefined inside it or without one. */
export function rangeFlag(value: number | undefined, range: ObservationReferenceRange | undefined): 'H' | 'L' | undefined {
  if (value === undefined || !range) return undefined;
  if (range.high?.value !== undefined && value > range.high.value) return 'H';
  if (range.low?.value !== undefined && value < range.low.value) return 'L';
  return undefined;
}

/** Critical 3, abnormal 2, normal or unknown 0: what "abnormal first" sorts by. */
export function flagSeverity(flag: ResultFlag | undefined): number {
  switch (flag) {
    case 'HH':
    case 'LL':
    case 'AA':
      return 3;
    case 'H':
    case 'L':
    case 'A':
      return 2;
    case undefined:
      return 0;
  }
}

/** The worst flag among a report's results. */
export function worstFlag(flags: readonly (ResultFlag | undefined)[]): ResultFlag | undefined {
  let worst: ResultFlag | undefined;
  for (const f of flags) if (flagSeverity(f) > flagSeverity(worst)) worst = f;
  return worst;
}

/** How a flag reads for people (screen readers too: never colour alone). */
export function flagLabel(flag: ResultFlag | undefined): string {
  switch (flag) {
    case 'HH':
      return 'Critical high';
    case 'LL':
      return 'Critical low';
    case 'AA':
      return 'Critical';
    case 'H':
      return 'High';
    case 'L':
      return 'Low';
    case 'A':
      return 'Abnormal';
    case undefined:
      return 'Normal';
  }
}

/** A reference range as a lab slip prints it: "4.0–5.6 %", "≤ 200 mg/dL", or its text. */
export function rangeText(o: Observation): string {
  const r = o.referenceRange?.[0];
  if (!r) return 'No reference range';
  const low = r.low?.value;
  const high = r.high?.value;
  const unit = unitText(r.high?.unit ?? r.low?.unit ?? o.valueQuantity?.unit);
  if (low !== undefined && high !== undefined) return `${low}–${high}${unit}`;
  if (low !== undefined) return `≥ ${low}${unit}`;
  if (high !== undefined) return `≤ ${high}${unit}`;
  return r.text ?? 'No reference range';
}

export interface Ranked {
  flag: ResultFlag | undefined;
  /** ISO date-time the result was issued or taken. */
  date: string | undefined;
}

/** The inbox's order: the most abnormal first, then the newest. */
export function compareAbnormalFirst(a: Ranked, b: Ranked): number {
  const bySeverity = flagSeverity(b.flag) - flagSeverity(a.flag);
  if (bySeverity !== 0) return bySeverity;
  return (b.date ? Date.parse(b.date) : 0) - (a.date ? Date.parse(a.date) : 0);
}
