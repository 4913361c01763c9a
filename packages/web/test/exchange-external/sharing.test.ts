/**
 * The patient's sharing choices: read per organization from `$exchange-consent`, sensitive labels
 * shown as categories in plain words, edits compared with what is stored, withdrawals found (they
 * need a confirmation), and the POST parameters of one organization's choice.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Parameters } from '@medplum/fhirtypes';
import { categoriesOf, changedChoices, codesOf, consentParameters, readSharing, setSensitive, setShare, withdrawals } from '../../src/portal/exchange/sharing.ts';

const answer: Parameters = {
  resourceType: 'Parameters',
  parameter: [
    { name: 'partner', part: [{ name: 'organization', valueReference: { reference: 'Organization/b', display: 'Riverside Hospital' } }, { name: 'decision', valueCode: 'permit' }, { name: 'sensitive', valueCode: 'HIV' }, { name: 'sensitive', valueCode: 'SUD' }] },
    { name: 'partner', part: [{ name: 'organization', valueReference: { reference: 'Organization/a', display: 'Northside Clinic' } }, { name: 'decision', valueCode: 'deny' }] },
    { name: 'default', valueCode: 'opt-in' },
  ],
};

describe('sharing choices', () => {
  const saved = readSharing(answer);

  it('reads one choice per organization, by name, labels as categories', () => {
    assert.deepEqual(saved, [
      { organization: 'Organization/a', name: 'Northside Clinic', share: false, sensitive: [] },
      { organization: 'Organization/b', name: 'Riverside Hospital', share: true, sensitive: ['substance', 'hiv'] },
    ]);
    assert.deepEqual(readSharing(undefined), []);
  });

  it('maps categories to labels and back', () => {
    assert.deepEqual(codesOf(['hiv', 'substance']), ['SUD', 'ETH', 'HIV']);
    assert.deepEqual(categoriesOf(['ETH', 'R']), ['substance', 'restricted']);
  });

  it('finds what changed, and turning sharing off as a withdrawal', () => {
    assert.deepEqual(changedChoices(saved, saved), []);
    const off = setShare(saved, 'Organization/b', false);
    assert.deepEqual(off[1], { organization: 'Organization/b', name: 'Riverside Hospital', share: false, sensitive: [] });
    assert.deepEqual(changedChoices(saved, off).map((c) => c.organization), ['Organization/b']);
    assert.deepEqual(withdrawals(saved, off).map((c) => c.name), ['Riverside Hospital']);

    const on = setShare(saved, 'Organization/a', true);
    assert.deepEqual(withdrawals(saved, on), [], 'turning sharing on is no withdrawal');
    const fewer = setSensitive(saved, 'Organization/b', ['hiv', 'unknown']);
    assert.deepEqual(fewer[1]!.sensitive, ['hiv']);
    assert.deepEqual(changedChoices(saved, fewer).map((c) => c.organization), ['Organization/b']);
    assert.deepEqual(withdrawals(saved, fewer), [], 'sharing less is saved without the withdrawal question');
    assert.deepEqual(changedChoices(saved, setSensitive(saved, 'Organization/b', ['hiv', 'substance'])), [], 'order does not matter');
    assert.deepEqual(setSensitive(saved, 'Organization/a', ['hiv'])[0]!.sensitive, [], 'no categories without sharing');
  });

  it('writes permit with the chosen labels, or deny alone', () => {
    assert.deepEqual(consentParameters(saved[1]!), [
      { name: 'organization', valueReference: { reference: 'Organization/b' } },
      { name: 'decision', valueCode: 'permit' },
      { name: 'sensitive', valueCode: 'SUD' },
      { name: 'sensitive', valueCode: 'ETH' },
      { name: 'sensitive', valueCode: 'HIV' },
    ]);
    assert.deepEqual(consentParameters(saved[0]!), [
      { name: 'organization', valueReference: { reference: 'Organization/a' } },
      { name: 'decision', valueCode: 'deny' },
    ]);
  });
});
