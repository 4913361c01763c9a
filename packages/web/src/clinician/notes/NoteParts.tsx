/** What every note screen shows the same way: its status badge, and the note it adds to or amends. */
import { Link } from 'react-router-dom';
import { Anchor, Badge, Text } from '@mantine/core';
import type { Composition } from '@medplum/fhirtypes';
import { noteKind, relatedTarget } from './composition.ts';

/** Filled badges: white text on each of these passes WCAG AA. */
export const STATUS_COLOR: Record<string, string> = { Signed: 'green.9', Superseded: 'gray.7', 'Entered in error': 'red.9', Amended: 'blue.9', Draft: '#8a4b00' };

/** A note's status (see statusLabel) as a badge. */
export function StatusBadge({ label }: { label: string }) {
  return (
    <Badge color={STATUS_COLOR[label] ?? 'gray.8'} variant="filled" radius="sm">
      {label}
    </Badge>
  );
}

export function RelatedLink({ note, patientId }: { note: Composition; patientId: string }) {
  const target = relatedTarget(note);
  if (!target) return null;
  const kind = noteKind(note);
  const title = note.relatesTo?.[0]?.targetReference?.display ?? 'the signed note';
  return (
    <Text size="sm">
      {kind === 'addendum' ? 'Addendum to ' : 'Amends '}
      <Anchor component={Link} to={`/patients/${patientId}/notes/${target.split('/')[1] ?? ''}`}>
        {title}
      </Anchor>
    </Text>
  );
}
