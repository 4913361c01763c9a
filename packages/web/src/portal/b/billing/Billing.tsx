/**
 * /portal/billing: the patient's balance, invoices (date, what for, total, paid, due, and the
 * line items with their CPT codes) and payments, from `$statement` and the Invoices themselves;
 * an invoice with money due can be paid by card (PayDialog).
 */
import { useState } from 'react';
import { Accordion, Alert, Badge, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import type { Invoice, Parameters } from '@medplum/fhirtypes';
import { conceptText, formatDate } from '../../../fhir/format.ts';
import { useLoad } from '../../../fhir/use-fhir.ts';
import { usePortal } from '../../portal-context.ts';
import { LoadedView, PortalPage } from '../PortalPage.tsx';
import { formatMoney, readStatement, type StatementInvoice } from './money.ts';
import { PayDialog } from './PayDialog.tsx';

const lineAmount = (line: NonNullable<Invoice['lineItem']>[number]) => line.priceComponent?.filter((c) => c.type === 'base' || c.type === 'surcharge').reduce((sum, c) => sum + (c.amount?.value ?? 0), 0);

function LineItems({ invoice }: { invoice: Invoice | undefined }) {
  const lines = invoice?.lineItem ?? [];
  if (lines.length === 0) return <Text size="sm">No line items.</Text>;
  return (
    <Table aria-label="Line items">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Service</Table.Th>
          <Table.Th>Code</Table.Th>
          <Table.Th ta="right">Charge</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {lines.map((line, i) => (
          <Table.Tr key={i}>
            <Table.Td>{line.chargeItemCodeableConcept ? conceptText(line.chargeItemCodeableConcept) : 'Service'}</Table.Td>
            <Table.Td className="pb-nowrap">{line.chargeItemCodeableConcept?.coding?.[0]?.code ?? ''}</Table.Td>
            <Table.Td ta="right" className="pb-nowrap">{formatMoney({ value: lineAmount(line) ?? 0, currency: 'USD' })}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function InvoiceItem({ row, invoice, onPay }: { row: StatementInvoice; invoice: Invoice | undefined; onPay: () => void }) {
  const due = row.due?.value ?? 0;
  return (
    <Accordion.Item value={row.invoiceId ?? row.description}>
      <Accordion.Control aria-label={`${formatDate(row.date)} ${row.description}, ${due > 0 ? `${formatMoney(row.due)} due` : 'paid'}`}>
        <Group justify="space-between" wrap="nowrap">
          <div>
            <Text fw={600}>{row.description}</Text>
            <Text size="sm" className="muted">
              {formatDate(row.date)}
            </Text>
          </div>
          {due > 0 ? <Text fw={700} className="pb-nowrap">{formatMoney(row.due)} due</Text> : <Badge color="green.9">Paid</Badge>}
        </Group>
      </Accordion.Control>
      <Accordion.Panel>
        <Stack gap="xs">
          <LineItems invoice={invoice} />
          <Text size="sm">
            Your share after insurance {formatMoney(row.total)} · Paid {formatMoney(row.paid)} · Due {formatMoney(row.due)}
          </Text>
          {due > 0 && row.invoiceId && (
            <Group>
              <Button onClick={onPay}>Pay {formatMoney(row.due)}</Button>
            </Group>
          )}
        </Stack>
      </Accordion.Panel>
    </Accordion.Item>
  );
}

export function Billing() {
  const { patientId } = usePortal();
  const [reload, setReload] = useState(0);
  const [paying, setPaying] = useState<StatementInvoice>();
  const [notice, setNotice] = useState<string>();
  const state = useLoad(
    async (client, signal) => {
      const [statement, invoices] = await Promise.all([client.get<Parameters>(`Patient/${patientId}/$statement`, signal), client.searchResources('Invoice', { subject: `Patient/${patientId}`, _count: 200 }, signal)]);
      return { statement: readStatement(statement), invoices: new Map(invoices.map((i) => [i.id, i])) };
    },
    [patientId, reload],
  );
  return (
    <PortalPage title="Billing">
      {notice && (
        <Alert color="green" withCloseButton onClose={() => setNotice(undefined)} closeButtonLabel="Dismiss">
          {notice}
        </Alert>
      )}
      <LoadedView state={state} what="your statement">
        {({ statement, invoices }) => (
          <>
            <Card withBorder padding="lg">
              <Text>Your balance</Text>
              <Text className="pb-balance" aria-label={`Your balance ${formatMoney(statement.balance)}`}>
                {formatMoney(statement.balance)}
              </Text>
            </Card>
            <section aria-labelledby="pb-invoices">
              <Title order={2} size="h3" id="pb-invoices" mb="xs">
                Invoices
              </Title>
              {statement.invoices.length === 0 ? (
                <Text>No invoices.</Text>
              ) : (
                <Accordion variant="separated">
                  {statement.invoices.map((row) => (
                    <InvoiceItem key={row.invoiceId ?? row.description} row={row} invoice={row.invoiceId ? invoices.get(row.invoiceId) : undefined} onPay={() => setPaying(row)} />
                  ))}
                </Accordion>
              )}
            </section>
            <section aria-labelledby="pb-payments">
              <Title order={2} size="h3" id="pb-payments" mb="xs">
                Payments
              </Title>
              {statement.payments.length === 0 ? (
                <Text>No payments yet.</Text>
              ) : (
                <Table aria-labelledby="pb-payments">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Date</Table.Th>
                      <Table.Th>Method</Table.Th>
                      <Table.Th ta="right">Amount</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {statement.payments.map((p, i) => (
                      <Table.Tr key={p.reference ?? i}>
                        <Table.Td>{formatDate(p.date)}</Table.Td>
                        <Table.Td>{p.method ?? 'Card'}</Table.Td>
                        <Table.Td ta="right">{formatMoney(p.amount)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
            </section>
          </>
        )}
      </LoadedView>
      {paying && (
        <PayDialog
          invoice={paying}
          onClose={() => setPaying(undefined)}
          onPaid={(message) => {
            setPaying(undefined);
            setNotice(message);
            setReload((n) => n + 1);
          }}
        />
      )}
    </PortalPage>
  );
}
