/**
 * What a trend chart says in words: its series, the band each is drawn against, and a sentence
 * per series for the figure's caption (the chart's text alternative).
 */
import { formatDate, unitText } from '../../fhir/format.ts';
import type { Measure, Point, Range } from './measures.ts';

export interface Series {
  measure: Measure;
  points: Point[];
  color: string;
}

/** The band a series is drawn against: its latest point's range (labs' ranges can change). */
export function seriesRange(points: readonly Point[]): Range | undefined {
  const latest = [...points].sort((a, b) => Date.parse(b.date) - Date.parse(a.date))[0];
  return latest?.range;
}

const rangeText = (r: Range | undefined): string =>
  !r ? 'no reference range' : r.low !== undefined && r.high !== undefined ? `${r.low}–${r.high}` : r.low !== undefined ? `≥ ${r.low}` : `≤ ${r.high}`;

/** A sentence per series: how many readings, when, the latest, and how many fell outside the range. */
export function seriesSummary(s: Series): string {
  const sorted = [...s.points].sort((a, b) => Date.parse(a.date) - Date.parse(b.date));
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (!first || !last) return `${s.measure.label}: no readings.`;
  const out = sorted.filter((p) => p.abnormal).length;
  const unit = unitText(last.unit);
  const usual = s.measure.usualRange && !s.points.some((p) => p.range && p.range !== s.measure.usualRange) ? ' (usual adult range)' : '';
  return `${s.measure.label}: ${sorted.length} readings from ${formatDate(first.date)} to ${formatDate(last.date)}; latest ${last.value}${unit}; range ${rangeText(seriesRange(s.points))}${usual}; ${out} outside the range.`;
}

