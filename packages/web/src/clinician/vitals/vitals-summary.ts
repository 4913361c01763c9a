/**
 * A set of vitals as one line of note text ("BP 130/84 mmHg · HR 76 /min · …"), for inserting an
 * encounter's vitals into a note's objective section: the latest value of each measure, in the
 * usual order. It does no I/O.
 */
import type { Observation } from '@medplum/fhirtypes';
import { unitText } from '../../fhir/format.ts';

const ORDER: readonly [code: string, label: string][] = [
  ['85354-9', 'BP'],
  ['8867-4', 'HR'],
  ['9279-1', 'RR'],
  ['8310-5', 'T'],
  ['59408-5', 'SpO2'],
  ['2708-6', 'SpO2'],
  ['29463-7', 'Wt'],
  ['8302-2', 'Ht'],
  ['39156-5', 'BMI'],
];

const codes = (o: Observation): string[] => (o.code.coding ?? []).map((c) => c.code ?? '');

function value(o: Observation): string | undefined {
  if (o.valueQuantity?.value !== undefined) return `${o.valueQuantity.value}${unitText(o.valueQuantity.code ?? o.valueQuantity.unit)}`;
  const sys = o.component?.find((c) => c.code.coding?.some((x) => x.code === '8480-6'))?.valueQuantity;
  const dia = o.component?.find((c) => c.code.coding?.some((x) => x.code === '8462-4'))?.valueQuantity;
  if (sys?.value !== undefined && dia?.value !== undefined) return `${sys.value}/${dia.value}${unitText(sys.code ?? sys.unit)}`;
  return undefined;
}

/** The line for these Observations (the newest of each measure), or undefined when none is a vital sign. */
export function vitalsLine(observations: readonly Observation[]): string | undefined {
  const newest = [...observations].sort((a, b) => (b.effectiveDateTime ?? '').localeCompare(a.effectiveDateTime ?? ''));
  const parts: string[] = [];
  const done = new Set<string>();
  for (const [code, label] of ORDER) {
    if (done.has(label)) continue;
    const o = newest.find((x) => codes(x).includes(code));
    const v = o && value(o);
    if (v === undefined) continue;
    done.add(label);
    parts.push(`${label} ${v}`);
  }
  return parts.length > 0 ? `Vitals: ${parts.join(' · ')}` : undefined;
}
