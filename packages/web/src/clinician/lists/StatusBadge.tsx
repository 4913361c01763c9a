/** A list entry's status as a badge whose colour says active, ended, needs attention, or error. */
import { Badge } from '@mantine/core';
import type { ListStatus } from './allergy.ts';

// Text colours are set outright: a light badge's default text shade falls below AA contrast, and
// so does shade 9 on a light green or orange badge (4.1:1); these are 5.2:1 and 6.1:1.
const COLORS: Record<ListStatus['tone'], { color: string; text: string; variant: 'light' | 'outline' }> = {
  active: { color: 'green', text: '#1e6b30', variant: 'light' },
  warning: { color: 'orange', text: '#8a3b00', variant: 'light' },
  inactive: { color: 'gray.8', text: 'gray.8', variant: 'outline' },
  error: { color: 'red.9', text: 'red.9', variant: 'outline' },
};

export function StatusBadge({ status }: { status: ListStatus }) {
  const { color, text, variant } = COLORS[status.tone];
  return (
    <Badge color={color} c={text} variant={variant} tt="none" radius="sm" data-status={status.tone}>
      {status.label}
    </Badge>
  );
}

/** List order: active, needs attention, ended, entered in error. */
export const TONE_ORDER: Record<ListStatus['tone'], number> = { active: 0, warning: 1, inactive: 2, error: 3 };
