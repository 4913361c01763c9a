/**
 * Lab results in plain language for patients: what a value's flag means ("Above the normal range
 * (4.0–5.6 %)"), and what the letters a lab prints (H, L, HH, LL, A) stand for. The wording states
 * the facts and never more: it does not diagnose, and a critical flag says the lab marked it and
 * the care team is told, not that something is wrong with the patient. Pure: no I/O. The flag
 * itself comes from the same rule the clinicians' inbox uses (inbox/result-flags.ts).
 */
import type { Observation } from '@medplum/fhirtypes';
import { rangeFlag, rangeText, resultFlag, type ResultFlag } from '../inbox/result-flags.ts';

export interface Explanation {
  flag: ResultFlag | undefined;
  /** A short label for a badge: "Normal", "High", "Low", "Very high"... */
  label: string;
  /** One sentence about the value against its range, e.g. "Above the normal range (4.0–5.6 %)". */
  sentence: string;
  /** How the badge is drawn: `normal`, `outside` (H, L, A) or `critical` (HH, LL, AA). */
  tone: 'normal' | 'outside' | 'critical' | 'unknown';
}

/** Whether the value has a reference range to compare with. */
function hasRange(o: Observation): boolean {
  const r = o.referenceRange?.[0];
  return Boolean(r && (r.low?.value !== undefined || r.high?.value !== undefined || r.text));
}

/** The plain-language reading of one result. */
export function explainResult(o: Observation): Explanation {
  const flag = resultFlag(o);
  const range = hasRange(o) ? ` (${rangeText(o)})` : '';
  switch (flag) {
    case 'H':
      return { flag, label: 'High', tone: 'outside', sentence: `Above the normal range${range}.` };
    case 'L':
      return { flag, label: 'Low', tone: 'outside', sentence: `Below the normal range${range}.` };
    case 'A':
      return { flag, label: 'Outside normal', tone: 'outside', sentence: `The lab marked this result as outside the normal range${range}.` };
    case 'HH':
      return { flag, label: 'Very high', tone: 'critical', sentence: `Well above the normal range${range}. The lab marks values like this for prompt review by your care team.` };
    case 'LL':
      return { flag, label: 'Very low', tone: 'critical', sentence: `Well below the normal range${range}. The lab marks values like this for prompt review by your care team.` };
    case 'AA':
      return { flag, label: 'Needs prompt review', tone: 'critical', sentence: `The lab marked this result for prompt review by your care team${range}.` };
    case undefined:
      if (!hasRange(o) || (o.valueQuantity?.value === undefined && !o.interpretation?.length)) {
        return { flag, label: 'No range', tone: 'unknown', sentence: 'The lab gave no normal range to compare this result with.' };
      }
      // The lab's "normal" can rest on more than the printed range (age, sex): say whose word it is.
      if (rangeFlag(o.valueQuantity?.value, o.referenceRange?.[0])) return { flag, label: 'Normal', tone: 'normal', sentence: 'The lab marked this result as normal.' };
      return { flag, label: 'Normal', tone: 'normal', sentence: `Within the normal range${range}.` };
  }
}

/**
 * A test's name for patients: the lab's text (else the LOINC display) without the bracketed
 * LOINC property (`Glucose [Mass/volume] in Serum or Plasma` → `Glucose in Serum or Plasma`).
 */
export function testName(o: Observation): string {
  const name = o.code.text ?? o.code.coding?.find((c) => c.display)?.display;
  if (!name) return o.code.coding?.[0]?.code ?? 'Test';
  return name.replace(/\s*\[[^\]]*\]/g, '').replace(/\s+/g, ' ').trim() || name;
}

/** What each letter a lab report may show means, for the page's legend. */
export const FLAG_GLOSSARY: readonly { code: string; meaning: string }[] = [
  { code: 'H', meaning: 'High: above the normal range.' },
  { code: 'L', meaning: 'Low: below the normal range.' },
  { code: 'HH / LL', meaning: 'Critical high or low: far enough outside the range that the lab asks your care team to look at it promptly.' },
  { code: 'A', meaning: 'Abnormal: outside normal for a result that is not a number (for example, a positive test).' },
];

/** What a normal range is, in one paragraph, for the results page. */
export const RANGE_NOTE =
  'The normal range is where results fall for most healthy people. A result a little outside it is common and often not a concern; your care team reads it together with your health and other results.';
