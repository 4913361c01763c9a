/**
 * Billing's pure parts: dollars as people read them, typed amounts, the card form's checks
 * (Luhn, expiry not past, CVC, amount ≤ due), fresh idempotency keys, and the `$statement`
 * answer read into invoices and payments.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Money } from '@medplum/fhirtypes';
import { cardFormErrors, formatMoney, luhnValid, newIdempotencyKey, parseAmount, readStatement } from '../../src/portal/b/billing/money.ts';

const usd = (value: number): Money => ({ value, currency: 'USD' });

describe('money', () => {
  it('formats US dollars with cents and thousands', () => {
    assert.equal(formatMoney(usd(1012.5)), '$1,012.50');
    assert.equal(formatMoney(usd(0)), '$0.00');
    assert.equal(formatMoney(undefined), '$0.00');
  });

  it('parses typed amounts, refusing zero, negatives and fractions of a cent', () => {
    assert.equal(parseAmount('$1,012.50'), 1012.5);
    assert.equal(parseAmount(' 25 '), 25);
    assert.equal(parseAmount('0'), undefined);
    assert.equal(parseAmount('-5'), undefined);
    assert.equal(parseAmount('1.005'), undefined);
    assert.equal(parseAmount('ten'), undefined);
  });
});

describe('card form', () => {
  const now = new Date('2026-03-10T12:00:00Z');
  const good = { amount: '40.00', cardNumber: '4242 4242 4242 4242', expiry: '04/28', cvc: '123', nameOnCard: 'Ana Test' };

  it('knows Luhn-valid numbers (the test cards, both approve and decline, are valid)', () => {
    assert.equal(luhnValid('4242424242424242'), true);
    assert.equal(luhnValid('4000000000000002'), true);
    assert.equal(luhnValid('4242424242424241'), false);
    assert.equal(luhnValid('42'), false);
  });

  it('accepts a complete form and names each wrong field', () => {
    assert.deepEqual(cardFormErrors(good, 40, now), {});
    assert.deepEqual(Object.keys(cardFormErrors({ amount: '50', cardNumber: '1234', expiry: '13/28', cvc: '1', nameOnCard: ' ' }, 40, now)).sort(), ['amount', 'cardNumber', 'cvc', 'expiry', 'nameOnCard']);
    assert.equal(cardFormErrors({ ...good, amount: '40.01' }, 40, now).amount, 'You can pay at most $40.00.');
    assert.equal(cardFormErrors({ ...good, expiry: '02/26' }, 40, now).expiry, 'This card has expired.');
    assert.deepEqual(cardFormErrors({ ...good, expiry: '03/26' }, 40, now), {});
  });

  it('makes a different idempotency key for each attempt', () => {
    const keys = new Set([newIdempotencyKey(), newIdempotencyKey(), newIdempotencyKey()]);
    assert.equal(keys.size, 3);
    for (const key of keys) assert.match(key, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'a version 4 UUID');
  });
});

describe('statement', () => {
  it('reads balance, invoices and payments, newest first', () => {
    const statement = readStatement({
      resourceType: 'Parameters',
      parameter: [
        { name: 'balance', valueMoney: usd(65) },
        { name: 'invoice', part: [{ name: 'invoice', valueReference: { reference: 'Invoice/i1' } }, { name: 'date', valueDate: '2026-01-05' }, { name: 'description', valueString: 'Office visit' }, { name: 'total', valueMoney: usd(40) }, { name: 'paid', valueMoney: usd(40) }, { name: 'due', valueMoney: usd(0) }, { name: 'status', valueCode: 'balanced' }] },
        { name: 'invoice', part: [{ name: 'invoice', valueReference: { reference: 'Invoice/i2' } }, { name: 'date', valueDate: '2026-02-20' }, { name: 'description', valueString: 'Lab work' }, { name: 'total', valueMoney: usd(65) }, { name: 'paid', valueMoney: usd(0) }, { name: 'due', valueMoney: usd(65) }, { name: 'status', valueCode: 'issued' }] },
        { name: 'payment', part: [{ name: 'date', valueDateTime: '2026-01-10T10:00:00Z' }, { name: 'amount', valueMoney: usd(40) }, { name: 'invoice', valueReference: { reference: 'Invoice/i1' } }, { name: 'method', valueString: 'Visa ending 4242' }, { name: 'reference', valueString: 'pay-1' }] },
      ],
    });
    assert.deepEqual(statement.balance, usd(65));
    assert.deepEqual(statement.invoices.map((i) => [i.invoiceId, i.description, i.due?.value, i.status]), [['i2', 'Lab work', 65, 'issued'], ['i1', 'Office visit', 0, 'balanced']]);
    assert.deepEqual(statement.payments, [{ date: '2026-01-10T10:00:00Z', amount: usd(40), invoiceId: 'i1', method: 'Visa ending 4242', reference: 'pay-1' }]);
  });
});
