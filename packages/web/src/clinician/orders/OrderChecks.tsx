/**
 * The decision-support cards for the orders about to be signed (`checkOrders`), shown in the
 * sign step. A critical card has to be acknowledged before "Sign order" is enabled; `onReady`
 * tells the sign step whether signing may go ahead.
 */
import { useEffect, useState } from 'react';
import { Alert, Checkbox, Loader, Stack, Text } from '@mantine/core';
import { useFhir } from '../../fhir/use-fhir.ts';
import { blocksSigning, checkOrders, type DraftOrder, type OrderCheckCard } from './order-checks.ts';

const COLOR = { info: 'blue', warning: 'yellow', critical: 'red' } as const;

export function OrderChecks({ drafts, patient, user, encounter, onReady }: { drafts: DraftOrder[]; patient: string; user: string; encounter?: string; onReady: (ready: boolean) => void }) {
  const client = useFhir();
  const [cards, setCards] = useState<OrderCheckCard[]>();
  const [acknowledged, setAcknowledged] = useState<Set<string>>(new Set());
  useEffect(() => {
    const ac = new AbortController();
    checkOrders(drafts, { client, patient, user, ...(encounter ? { encounter } : {}), signal: ac.signal }).then(
      (c) => !ac.signal.aborted && setCards(c),
      () => !ac.signal.aborted && setCards([]),
    );
    return () => ac.abort();
  }, [client, drafts, patient, user, encounter]);
  const ready = cards !== undefined && !blocksSigning(cards, acknowledged);
  useEffect(() => onReady(ready), [ready, onReady]);
  if (!cards) return <Loader size="sm" aria-label="Checking the order" />;
  if (cards.length === 0) {
    return (
      <Text size="sm" className="muted" data-order-checks="none">
        No alerts for this order.
      </Text>
    );
  }
  return (
    <Stack gap="xs" data-order-checks={cards.length}>
      {cards.map((c) => (
        <Alert key={c.uuid} color={COLOR[c.indicator]} title={c.summary} role={c.indicator === 'critical' ? 'alert' : undefined}>
          {c.detail && <Text size="sm">{c.detail}</Text>}
          <Text size="xs" className="muted">
            Source: {c.source.label}
          </Text>
          {c.indicator === 'critical' && (
            <Checkbox
              mt="xs"
              label="I have reviewed this alert and still want to sign"
              checked={acknowledged.has(c.uuid)}
              onChange={(e) => {
                const on = e.currentTarget.checked;
                setAcknowledged((s) => {
                  const n = new Set(s);
                  if (on) n.add(c.uuid);
                  else n.delete(c.uuid);
                  return n;
                });
              }}
            />
          )}
        </Alert>
      ))}
    </Stack>
  );
}
