/**
 * The flowsheet pivot: points become a table of measures (rows) by days (columns, newest first),
 * one value per cell, the latest of the day when a measure was taken more than once.
 */
import type { Measure, Point } from './measures.ts';

export interface FlowsheetRow {
  measure: Measure;
  /** Day to the latest point of that day. */
  cells: Map<string, Point>;
}

export interface Flowsheet {
  days: string[];
  rows: FlowsheetRow[];
}

export function pivotFlowsheet(points: readonly Point[], measures: readonly Measure[], maxDays = Infinity): Flowsheet {
  const wanted = new Set(measures.map((m) => m.code));
  const mine = points.filter((p) => wanted.has(p.measure));
  const days = [...new Set(mine.map((p) => p.day))].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)).slice(0, maxDays);
  const shown = new Set(days);
  const rows = measures.map((measure): FlowsheetRow => ({ measure, cells: new Map() }));
  const byCode = new Map(rows.map((r) => [r.measure.code, r]));
  for (const p of mine) {
    if (!shown.has(p.day)) continue;
    const row = byCode.get(p.measure)!;
    const had = row.cells.get(p.day);
    if (!had || Date.parse(p.date) > Date.parse(had.date)) row.cells.set(p.day, p);
  }
  return { days, rows: rows.filter((r) => r.cells.size > 0) };
}
