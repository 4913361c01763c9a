/** The dialog a minute before automatic logoff: stay signed in (one request) or sign out now. */
import { useEffect, useState } from 'react';
import { Button, Group, Modal, Text } from '@mantine/core';
import { idleState, type IdlePlan } from '../auth/idle.ts';

/** The idle time the server put in the page, in seconds. */
export function pageIdleSeconds(doc: Document = document): number | undefined {
  const raw = doc.querySelector<HTMLMetaElement>('meta[name="continuum-idle-seconds"]')?.content;
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** Why the app signs out, as the staff app says it; the portal speaks to the patient. */
const STAFF_REASON = 'For the patients’ privacy, you are signed out after a time without activity.';

export function IdleWarning({ plan, lastActivity, onStay, onSignOut, reason = STAFF_REASON }: { plan: IdlePlan; lastActivity: () => number; onStay: () => void; onSignOut: () => void; reason?: string }) {
  const [state, setState] = useState(() => idleState(plan, lastActivity(), Date.now()));
  useEffect(() => {
    const timer = setInterval(() => setState(idleState(plan, lastActivity(), Date.now())), 500);
    return () => clearInterval(timer);
  }, [plan, lastActivity]);
  useEffect(() => {
    if (state.kind === 'expired') onSignOut();
  }, [state.kind, onSignOut]);
  return (
    <Modal opened={state.kind === 'warning'} onClose={onStay} title="You will be signed out soon" centered closeOnClickOutside={false} closeButtonProps={{ 'aria-label': 'Close' }}>
      <Text size="sm" mb="md" aria-live="polite">
        {reason}
        {state.kind === 'warning' ? ` ${state.secondsLeft} seconds left.` : ''}
      </Text>
      <Group justify="flex-end">
        <Button variant="default" onClick={onSignOut}>
          Sign out now
        </Button>
        <Button onClick={onStay} data-autofocus>
          Stay signed in
        </Button>
      </Group>
    </Modal>
  );
}
