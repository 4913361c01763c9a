/** The test card processor and what the clinic keeps of a card (pure: no server). */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { cardLabel, DECLINED_TEST_CARD, luhnValid, processorNamed, testProcessor, type ChargeRequest } from '../../src/portal/billing/processor.ts';

const NOW = new Date('2026-11-27T12:00:00Z');
const charge = (number: string, expMonth = 12, expYear = 2030, idempotencyKey = 'key-00000001'): ChargeRequest => ({
  amountCents: 1000, currency: 'USD', idempotencyKey, description: 'Invoice x', card: { number, expMonth, expYear, cvc: '123', name: 'A B' },
});

it('checks card numbers with Luhn', () => {
  assert.ok(luhnValid('4242424242424242'));
  assert.ok(luhnValid('5555555555554444'));
  assert.ok(luhnValid('378282246310005'));
  assert.ok(!luhnValid('4242424242424241'));
  assert.ok(!luhnValid(''));
});

it('keeps only the brand and the last four digits', () => {
  assert.equal(cardLabel('4242424242424242'), 'Visa ending 4242');
  assert.equal(cardLabel('5555555555554444'), 'Mastercard ending 4444');
  assert.equal(cardLabel('378282246310005'), 'American Express ending 0005');
  assert.equal(cardLabel('6011111111111117'), 'Discover ending 1117');
});

it('approves valid cards, declines the decline card, bad numbers and expired cards; a retry has the same reference', async () => {
  const ok = await testProcessor.charge(charge('4242424242424242'), NOW);
  assert.equal(ok.approved, true);
  assert.deepEqual(await testProcessor.charge(charge('4242424242424242'), NOW), ok, 'the same idempotency key, the same charge');
  assert.notDeepEqual(await testProcessor.charge(charge('4242424242424242', 12, 2030, 'key-00000002'), NOW), ok);
  assert.equal((await testProcessor.charge(charge(DECLINED_TEST_CARD), NOW)).approved, false);
  assert.equal((await testProcessor.charge(charge('4242424242424241'), NOW)).approved, false);
  assert.equal((await testProcessor.charge(charge('4242424242424242', 10, 2026), NOW)).approved, false, 'expired at the end of October');
  assert.equal((await testProcessor.charge(charge('4242424242424242', 11, 2026), NOW)).approved, true, 'valid through November');
});

it('CONTINUUM_PAYMENTS picks the processor: test by default, none for an unknown name', () => {
  assert.equal(processorNamed(undefined, {}), testProcessor, 'the demo is on by default: the test processor');
  assert.equal(processorNamed(undefined, { CONTINUUM_DEMO: '0' }), undefined, 'no demo and no processor named: no card payments');
  assert.equal(processorNamed('test', { CONTINUUM_DEMO: '0' }), testProcessor, 'named explicitly');
  assert.equal(processorNamed('none'), undefined);
  assert.equal(processorNamed('test'), testProcessor);
  assert.equal(processorNamed('acme-pay'), undefined);
});
