/**
 * The chart summary's decision-support cards (CDS Hooks `patient-view`): care reminders and
 * critical results, most severe first, compact, at the top of the summary. Each can be dismissed
 * for the rest of the session. A critical card is announced (`role="alert"`); the others are not.
 * When no service answers, or none has anything to say, nothing is shown.
 */
import { useState } from 'react';
import { Button, Stack } from '@mantine/core';
import { useMe } from '../auth/me.ts';
import { bySeverity } from './card-model.ts';
import { CdsCard } from './CdsCard.tsx';
import { dismiss, dismissKey, readDismissed } from './dismissals.ts';
import { useHook } from './use-hook.ts';

const session = (): Storage | undefined => (typeof sessionStorage === 'undefined' ? undefined : sessionStorage);

export function PatientViewCards({ patientId }: { patientId: string }) {
  const me = useMe();
  const request = me ? { hook: 'patient-view' as const, context: { userId: me, patientId } } : undefined;
  const state = useHook(request, me ? `${me}|${patientId}` : undefined);
  const [dismissed, setDismissed] = useState(() => readDismissed(session()));
  const cards = bySeverity(state.cards).filter((c) => !dismissed.has(dismissKey(patientId, c)));
  if (cards.length === 0) return null;
  return (
    <Stack gap={6} role="region" aria-label="Decision support alerts" className="cds-patient-view" data-patient-view-cards={cards.length}>
      {cards.map((c) => (
        <CdsCard
          key={c.uuid}
          card={c}
          compact
          alert={c.indicator === 'critical'}
          actions={
            <Button size="compact-xs" variant="subtle" onClick={() => setDismissed((d) => dismiss(session(), d, dismissKey(patientId, c)))} aria-label={`Dismiss: ${c.summary}`}>
              Dismiss
            </Button>
          }
        />
      ))}
    </Stack>
  );
}
