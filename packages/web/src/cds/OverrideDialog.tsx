/**
 * Overriding an alert: the card's own override reasons as radio buttons, and a comment. A critical
 * card needs a reason (one of those offered, or a comment when it offers none); a warning may be
 * overridden without one. Nothing is written here: the decision goes back to the sign step, which
 * records it with the order.
 */
import { useState } from 'react';
import { Button, Group, Modal, Radio, Stack, Text, Textarea } from '@mantine/core';
import type { Coding } from '@medplum/fhirtypes';
import type { CdsCard } from './cds-types.ts';
import { INDICATOR_LABEL, overrideProblem, type Decision } from './card-model.ts';

const key = (c: Coding) => `${c.system ?? ''}|${c.code ?? ''}`;

export function OverrideDialog({ card, onClose, onConfirm }: { card: CdsCard; onClose: () => void; onConfirm: (decision: Decision) => void }) {
  const reasons = card.overrideReasons ?? [];
  const [chosen, setChosen] = useState<string>();
  const [comment, setComment] = useState('');
  const [problem, setProblem] = useState<string>();
  const reason = reasons.find((r) => key(r) === chosen);
  const submit = () => {
    const p = overrideProblem(card, reason, comment);
    setProblem(p);
    if (p) return;
    onConfirm({ kind: 'overridden', ...(reason ? { reason } : {}), ...(comment.trim() ? { comment: comment.trim() } : {}) });
  };
  const needed = card.indicator === 'critical';
  return (
    <Modal opened onClose={onClose} title={`Override ${INDICATOR_LABEL[card.indicator].toLowerCase()} alert`} centered size="lg">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Stack gap="sm">
          <Text size="sm" fw={600}>
            {card.summary}
          </Text>
          {reasons.length > 0 && (
            <Radio.Group
              label="Reason for overriding"
              required={needed}
              value={chosen ?? null}
              onChange={(v) => {
                setChosen(v);
                setProblem(undefined);
              }}
              error={problem && reasons.length > 0 && !reason ? problem : undefined}
            >
              <Stack gap={6} mt={6}>
                {reasons.map((r) => (
                  <Radio key={key(r)} value={key(r)} label={r.display ?? r.code} />
                ))}
              </Stack>
            </Radio.Group>
          )}
          <Textarea
            label={reasons.length > 0 ? 'Comment' : 'Reason for overriding'}
            required={needed && reasons.length === 0}
            value={comment}
            onChange={(e) => {
              setComment(e.currentTarget.value);
              setProblem(undefined);
            }}
            error={problem && reasons.length === 0 ? problem : undefined}
            rows={2}
            maxLength={500}
            data-autofocus={reasons.length === 0 ? true : undefined}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" color="red.9">
              Override
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
