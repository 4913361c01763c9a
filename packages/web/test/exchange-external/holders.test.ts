/**
 * Who holds the record, as the portal says it: one row per organization from `$data-holders`,
 * most recent first, each kind of disclosure in plain words, and whether the clinic copied data
 * from them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Parameters } from '@medplum/fhirtypes';
import { holderLines, readHolders } from '../../src/portal/exchange/holders.ts';

const holder = (display: string, last: string | undefined, kinds: string[], received: boolean) => ({
  name: 'holder',
  part: [{ name: 'organization', valueReference: { reference: `Organization/${display[0]}`, display } }, ...(last ? [{ name: 'lastDisclosed', valueDateTime: last }] : []), ...kinds.map((k) => ({ name: 'kinds', valueString: k })), { name: 'received', valueBoolean: received }],
});

describe('data holders', () => {
  const answer: Parameters = { resourceType: 'Parameters', parameter: [holder('Northside Clinic', '2025-01-02T10:00:00Z', ['match'], false), holder('Riverside Hospital', '2025-03-04T10:00:00Z', ['match', 'query', 'query'], true), { name: 'holder', part: [] }, holder('Lab One', undefined, [], true)] };

  it('lists each organization, most recent first, leaving out rows without one', () => {
    const holders = readHolders(answer);
    assert.deepEqual(holders.map((h) => [h.organization, h.lastDisclosed, h.received]), [
      ['Riverside Hospital', '2025-03-04T10:00:00Z', true],
      ['Northside Clinic', '2025-01-02T10:00:00Z', false],
      ['Lab One', undefined, true],
    ]);
  });

  it('says what each got, once per kind, and what the clinic received', () => {
    const [riverside, , lab] = readHolders(answer);
    assert.deepEqual(holderLines(riverside!), [
      'Riverside Hospital looked up whether you are their patient.',
      'Riverside Hospital received a copy of your record.',
      'Your clinic copied information from Riverside Hospital into your record.',
    ]);
    assert.deepEqual(holderLines(lab!), ['Your clinic copied information from Lab One into your record.']);
    assert.deepEqual(holderLines({ organization: 'X', reference: undefined, lastDisclosed: undefined, kinds: ['carrier-pigeon'], received: false }), ['X exchanged information (carrier-pigeon).']);
  });
});
