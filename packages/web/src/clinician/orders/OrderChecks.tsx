/**
 * The decision-support cards for an order, most severe first. In the review step (`decide` given)
 * each critical or warning card offers its suggestions as buttons and "Override…" (which asks for
 * a reason), and shows what was decided, with Undo; the sign step enables "Sign order" once every
 * such card is decided. While composing, the cards are shown for information only. A service that
 * failed or timed out is a quiet note: it never blocks ordering. Links open in a new tab, so
 * following one does not lose the order.
 */
import { useState } from 'react';
import { Button, Group, Loader, Stack, Text } from '@mantine/core';
import type { CdsCard as Card, CdsSuggestion } from '../../cds/cds-types.ts';
import { bySeverity, needsDecision, overrideText, suggestionEffect, unanswered, type Decision, type Decisions, type SuggestionEffect } from '../../cds/card-model.ts';
import { CdsCard } from '../../cds/CdsCard.tsx';
import { OverrideDialog } from '../../cds/OverrideDialog.tsx';
import type { HookState } from '../../cds/use-hook.ts';

export interface Decide {
  decisions: Decisions;
  /** The draft the cards are about, as the cards name it (`MedicationRequest/<id>`). */
  draftRef: string;
  onAccept: (card: Card, suggestion: CdsSuggestion, effect: Exclude<SuggestionEffect, { kind: 'unsupported' }>) => void;
  /** A decision, or undefined to take one back. */
  onDecide: (card: Card, decision: Decision | undefined) => void;
}

function Decided({ card, decision, onUndo }: { card: Card; decision: Decision; onUndo: () => void }) {
  const label = decision.kind === 'overridden' ? `Overridden${overrideText(decision) ? `: ${overrideText(decision)}` : ''}` : `Accepted: ${card.suggestions?.find((s) => s.uuid === decision.suggestion)?.label ?? ''}`;
  return (
    <Group gap="xs" data-decision={decision.kind}>
      <Text size="sm" fw={600}>
        {label}
      </Text>
      <Button size="compact-sm" variant="subtle" onClick={onUndo} aria-label={`Undo the decision on: ${card.summary}`}>
        Undo
      </Button>
    </Group>
  );
}

function Actions({ card, decide, onOverride }: { card: Card; decide: Decide; onOverride: () => void }) {
  const decision = decide.decisions.get(card.uuid);
  if (decision) return <Decided card={card} decision={decision} onUndo={() => decide.onDecide(card, undefined)} />;
  const suggestions = (card.suggestions ?? []).flatMap((s) => {
    const effect = suggestionEffect(s, decide.draftRef);
    return effect.kind === 'unsupported' ? [] : [{ s, effect }];
  });
  if (suggestions.length === 0 && !needsDecision(card)) return null;
  return (
    <Group gap="xs">
      {suggestions.map(({ s, effect }) => (
        <Button key={s.uuid} size="compact-sm" variant={s.isRecommended ? 'filled' : 'light'} onClick={() => decide.onAccept(card, s, effect)}>
          {s.label}
        </Button>
      ))}
      {needsDecision(card) && (
        <Button size="compact-sm" variant="default" onClick={onOverride} aria-label={`Override: ${card.summary}`}>
          Override…
        </Button>
      )}
    </Group>
  );
}

export function OrderChecks({ state, decide }: { state: HookState; decide?: Decide }) {
  const [overriding, setOverriding] = useState<Card>();
  const quiet = unanswered(state.services);
  if (state.key === undefined) return <Loader role="progressbar" size="sm" aria-label="Checking the order" />;
  const cards = bySeverity(state.cards);
  return (
    <Stack gap="xs" data-order-checks={state.loading ? 'loading' : cards.length} aria-busy={state.loading}>
      {cards.length === 0 && !state.failed && (
        <Text size="sm" className="muted">
          No alerts for this order.
        </Text>
      )}
      {cards.map((c) => (
        <CdsCard key={c.uuid} card={c} newTab alert={c.indicator === 'critical' && !decide?.decisions.has(c.uuid)} actions={decide && <Actions card={c} decide={decide} onOverride={() => setOverriding(c)} />} />
      ))}
      {state.failed && (
        <Text size="sm" className="muted" data-cds-note>
          Decision support could not be reached ({state.failed}); the order can still be signed.
        </Text>
      )}
      {quiet.length > 0 && (
        <Text size="sm" className="muted" data-cds-note>
          Not checked by: {quiet.join(', ')}.
        </Text>
      )}
      {overriding && decide && (
        <OverrideDialog
          card={overriding}
          onClose={() => setOverriding(undefined)}
          onConfirm={(d) => {
            decide.onDecide(overriding, d);
            setOverriding(undefined);
          }}
        />
      )}
    </Stack>
  );
}
