/**
 * `$follow-partner`'s answer per topic: followed, refused with the partner's reason, and a topic
 * asked but not answered counted as not followed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TOPICS } from '../../src/exchange/external/codes.ts';
import { readFollow } from '../../src/exchange/external/follow-model.ts';

describe('follow results', () => {
  it('reads each topic, with the reason of a refusal, and the topics left unanswered', () => {
    const answer = {
      resourceType: 'Parameters' as const,
      parameter: [
        { name: 'result', part: [{ name: 'topic', valueCanonical: TOPICS.newResult }, { name: 'subscribed', valueBoolean: true }, { name: 'subscription', valueString: 'https://a.example/fhir/Subscription/1' }, { name: 'detail', valueString: 'subscribed' }] },
        { name: 'result', part: [{ name: 'topic', valueCanonical: TOPICS.admission }, { name: 'subscribed', valueBoolean: false }, { name: 'detail', valueString: 'the partner answered 403: consent' }] },
      ],
    };
    assert.deepEqual(readFollow(answer, [TOPICS.newResult, TOPICS.admission, TOPICS.discharge]), [
      { topic: TOPICS.newResult, label: 'New results', subscribed: true, detail: 'subscribed' },
      { topic: TOPICS.admission, label: 'Admissions', subscribed: false, detail: 'the partner answered 403: consent' },
      { topic: TOPICS.discharge, label: 'Discharges', subscribed: false, detail: 'no answer for this topic' },
    ]);
    assert.deepEqual(readFollow(undefined, []), []);
  });
});
