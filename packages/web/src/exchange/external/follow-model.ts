/**
 * Following a record at a partner: the topics offered, and `$follow-partner`'s answer read per
 * topic (a partner that refuses or cannot be reached answers `subscribed` false with a detail,
 * not an error). Pure: no I/O.
 */
import type { Parameters } from '@medplum/fhirtypes';
import { TOPICS } from './codes.ts';

export const TOPIC_CHOICES: { value: string; label: string }[] = [
  { value: TOPICS.newResult, label: 'New results' },
  { value: TOPICS.admission, label: 'Admissions' },
  { value: TOPICS.discharge, label: 'Discharges' },
];

export interface FollowResult {
  topic: string;
  label: string;
  subscribed: boolean;
  detail: string | undefined;
}

const labelOf = (topic: string): string => TOPIC_CHOICES.find((c) => c.value === topic)?.label ?? topic;

/** One result per topic answered; topics asked but not answered count as not followed. */
export function readFollow(result: Parameters | undefined, asked: readonly string[]): FollowResult[] {
  const answered = (result?.parameter ?? [])
    .filter((p) => p.name === 'result')
    .map((p) => {
      const part = (name: string) => p.part?.find((x) => x.name === name);
      const topic = part('topic')?.valueCanonical ?? part('topic')?.valueUri ?? part('topic')?.valueString ?? '';
      return { topic, label: labelOf(topic), subscribed: part('subscribed')?.valueBoolean === true, detail: part('detail')?.valueString };
    });
  const missing = asked.filter((t) => !answered.some((a) => a.topic === t)).map((topic) => ({ topic, label: labelOf(topic), subscribed: false, detail: 'no answer for this topic' }));
  return [...answered, ...missing];
}
