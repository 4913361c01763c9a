/**
 * Paying an invoice by card (`Invoice/{id}/$pay`): amount (the amount due unless changed), card
 * number, MM/YY, CVC and name, checked before sending. Each attempt carries its own idempotency
 * key, so a retry after a lost answer never charges twice; a decline (402) shows the processor's
 * message and the next try is a new attempt. The card number is never kept after the dialog.
 */
import { useState, type ChangeEvent } from 'react';
import { Alert, Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import type { Parameters } from '@medplum/fhirtypes';
import { errorMessage, FhirError } from '../../../fhir/client.ts';
import { useFhir } from '../../../fhir/use-fhir.ts';
import { givenParts, partNamed } from '../parameters.ts';
import { cardFormErrors, formatMoney, newIdempotencyKey, parseAmount, type CardForm, type StatementInvoice } from './money.ts';

export function PayDialog({ invoice, onClose, onPaid }: { invoice: StatementInvoice; onClose: () => void; onPaid: (message: string) => void }) {
  const client = useFhir();
  const due = invoice.due?.value ?? 0;
  const [form, setForm] = useState<CardForm>({ amount: due.toFixed(2), cardNumber: '', expiry: '', cvc: '', nameOnCard: '' });
  const [errors, setErrors] = useState<Partial<Record<keyof CardForm, string>>>({});
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [attemptKey, setAttemptKey] = useState(newIdempotencyKey);

  const field = (name: keyof CardForm) => ({
    value: form[name],
    error: errors[name],
    onChange: (e: ChangeEvent<HTMLInputElement>) => {
      const value = e.currentTarget.value;
      setForm((f) => ({ ...f, [name]: value }));
      // A changed form is a new attempt: the processor must see it as a new charge.
      setAttemptKey(newIdempotencyKey());
    },
  });

  const pay = async () => {
    const found = cardFormErrors(form, due, new Date());
    setErrors(found);
    setFailure(undefined);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      const result = await client.operation<Parameters>(
        `Invoice/${invoice.invoiceId}/$pay`,
        givenParts(
          { name: 'amount', valueMoney: { value: parseAmount(form.amount)!, currency: 'USD' } },
          { name: 'cardNumber', valueString: form.cardNumber.replace(/[\s-]/g, '') },
          { name: 'expiry', valueString: form.expiry.replace(/\s/g, '') },
          { name: 'cvc', valueString: form.cvc.trim() },
          { name: 'nameOnCard', valueString: form.nameOnCard.trim() },
          { name: 'idempotencyKey', valueString: attemptKey },
        ),
      );
      const balance = partNamed(result, 'balance')?.valueMoney;
      onPaid(`Payment of ${formatMoney({ value: parseAmount(form.amount)!, currency: 'USD' })} approved.${balance ? ` Your balance is now ${formatMoney(balance)}.` : ''}`);
    } catch (err) {
      if (err instanceof FhirError && err.status === 402) {
        setFailure(`Your card was declined. ${err.message} No money was taken; you can try another card.`);
        setAttemptKey(newIdempotencyKey());
      } else {
        // A lost or failed answer: "Pay" again resends the same attempt (same key), so it is charged at most once.
        setFailure(errorMessage(err));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened onClose={onClose} title={`Pay ${invoice.description}`}>
      <form
        noValidate
        aria-label="Card payment"
        onSubmit={(e) => {
          e.preventDefault();
          void pay();
        }}
      >
        <Stack gap="sm">
          <Text>Amount due: {formatMoney(invoice.due)}</Text>
          <TextInput label="Amount (USD)" inputMode="decimal" required {...field('amount')} />
          <TextInput label="Card number" inputMode="numeric" autoComplete="cc-number" required {...field('cardNumber')} />
          <Group grow>
            <TextInput label="Expiry (MM/YY)" autoComplete="cc-exp" placeholder="MM/YY" required {...field('expiry')} />
            <TextInput label="CVC" inputMode="numeric" autoComplete="cc-csc" required {...field('cvc')} />
          </Group>
          <TextInput label="Name on card" autoComplete="cc-name" required {...field('nameOnCard')} />
          {import.meta.env.DEV && (
            <Text size="sm" className="muted">
              Test mode: 4242 4242 4242 4242 is approved, 4000 0000 0000 0002 is declined; any future expiry and CVC.
            </Text>
          )}
          {failure && (
            <Alert color="red" title="Payment not made">
              {failure}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Pay
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
