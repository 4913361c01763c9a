/**
 * Precision and recall of the matcher on a labelled population: the candidate pairs blocking
 * finds are scored; a true pair blocking misses counts against recall.
 */
import { candidatePairs } from '../../../src/exchange/mpi/blocking.ts';
import { scorePair, type MatchGrade } from '../../../src/exchange/mpi/matcher.ts';
import type { LabelledRecord } from './population.ts';

export interface Accuracy {
  records: number;
  truePairs: number;
  candidatePairs: number;
  /** True pairs blocking found. */
  blockedTrue: number;
  certain: { precision: number; recall: number; tp: number; fp: number };
  certainOrProbable: { precision: number; recall: number; tp: number; fp: number };
  /** Pairs by grade and truth (for tuning). */
  scored: { weight: number; grade: MatchGrade; same: boolean }[];
}

export function truePairCount(records: readonly LabelledRecord[]): number {
  const byPerson = new Map<number, number>();
  for (const r of records) byPerson.set(r.person, (byPerson.get(r.person) ?? 0) + 1);
  let n = 0;
  for (const c of byPerson.values()) n += (c * (c - 1)) / 2;
  return n;
}

export function evaluate(records: readonly LabelledRecord[]): Accuracy {
  const pairs = candidatePairs(records.map((r) => r.patient));
  const truePairs = truePairCount(records);
  const scored: Accuracy['scored'] = [];
  let blockedTrue = 0;
  for (const [i, j] of pairs) {
    const same = records[i]!.person === records[j]!.person;
    if (same) blockedTrue++;
    const s = scorePair(records[i]!.patient, records[j]!.patient);
    scored.push({ weight: s.weight, grade: s.grade, same });
  }
  const rate = (grades: MatchGrade[]): Accuracy['certain'] => {
    let tp = 0;
    let fp = 0;
    for (const s of scored) {
      if (!grades.includes(s.grade)) continue;
      if (s.same) tp++;
      else fp++;
    }
    return { precision: tp + fp === 0 ? 1 : tp / (tp + fp), recall: truePairs === 0 ? 1 : tp / truePairs, tp, fp };
  };
  return { records: records.length, truePairs, candidatePairs: pairs.length, blockedTrue, certain: rate(['certain']), certainOrProbable: rate(['certain', 'probable']), scored };
}
