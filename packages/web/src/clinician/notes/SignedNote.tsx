/**
 * A signed note, read-only: its sections exactly as signed, who signed it and when, then each
 * addendum under it in order, each with its own author and signing time. A note replaced by a
 * signed amendment says so and links to it, and still shows its own signed text. From here the
 * clinician adds an addendum or starts an amendment; both are new notes with their own pages.
 */
import './documentation.css';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, Anchor, Button, Card, Divider, Group, Modal, Stack, Text, Title } from '@mantine/core';
import type { Composition } from '@medplum/fhirtypes';
import { formatDateTime, refText } from '../../fhir/format.ts';
import { noteKind, statusLabel, xhtmlToText } from './composition.ts';
import { RelatedLink, StatusBadge } from './NoteParts.tsx';

function signature(note: Composition): string {
  const a = note.attester?.find((x) => x.mode === 'legal') ?? note.attester?.[0];
  if (!a) return `${refText(note.author[0]) ?? 'Unknown author'} · ${formatDateTime(note.date)}`;
  return `Signed by ${refText(a.party) ?? refText(note.author[0]) ?? 'unknown'} on ${formatDateTime(a.time ?? note.date)}`;
}

/** The note's sections as text: never rendered as markup. */
function Sections({ note, headingOrder, className }: { note: Composition; headingOrder: 3 | 4; className: string }) {
  if (!note.section?.length) return <Text className="muted">No text was written.</Text>;
  return (
    <Stack gap="sm" className={className}>
      {note.section.map((s, i) => (
        <section key={i} className="note-section">
          {noteKind(note) !== 'addendum' && (
            <Title order={headingOrder} size="h5">
              {s.title}
            </Title>
          )}
          <Text size="sm" className="note-text">
            {xhtmlToText(s.text?.div)}
          </Text>
        </section>
      ))}
    </Stack>
  );
}

export interface SignedNoteProps {
  note: Composition;
  patientId: string;
  addenda: Composition[];
  supersededBy: Composition | undefined;
  /** Unsigned addenda and amendments of this note. */
  drafts: Composition[];
  onAddendum: () => void;
  onAmend: () => void;
  /** Marks the note entered in error (its text stays as signed). */
  onVoid: () => Promise<void>;
  busy: boolean;
  error: string | undefined;
}

export function SignedNote({ note, patientId, addenda, supersededBy, drafts, onAddendum, onAmend, onVoid, busy, error }: SignedNoteProps) {
  const [confirmVoid, setConfirmVoid] = useState(false);
  const link = (c: Composition) => `/patients/${patientId}/notes/${c.id ?? ''}`;
  // A note superseded by an amendment is added to (or voided) through the amendment.
  const open = (note.status === 'final' || note.status === 'amended') && !supersededBy;
  return (
    <Card withBorder padding="lg" component="article" aria-labelledby="note-title" className="note-card">
      <Stack gap="md">
        <Group justify="space-between" align="flex-start" wrap="wrap">
          <div>
            <Group gap="xs">
              <Title order={2} size="h3" id="note-title">
                {note.title}
              </Title>
              <StatusBadge label={statusLabel(note, supersededBy)} />
            </Group>
            <Text size="sm" className="muted">
              {signature(note)}
            </Text>
            <RelatedLink note={note} patientId={patientId} />
          </div>
          {open && (
            <Group gap="xs">
              <Button variant="subtle" color="red" c="red.9" onClick={() => setConfirmVoid(true)} disabled={busy}>
                Mark entered in error
              </Button>
              <Button variant="default" onClick={onAmend} disabled={busy}>
                Amend note
              </Button>
              <Button onClick={onAddendum} loading={busy}>
                Add addendum
              </Button>
            </Group>
          )}
        </Group>
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        {note.status === 'entered-in-error' && (
          <Alert color="red" title="Entered in error">
            This note was marked as entered in error: it should not be relied on. Its text is kept as it was signed.
          </Alert>
        )}
        {supersededBy && (
          <Alert color="gray" title="Superseded by an amendment">
            <Text size="sm">
              <Anchor component={Link} to={link(supersededBy)}>
                {supersededBy.title}
              </Anchor>{' '}
              replaces this note. {signature(supersededBy)}. The text below is the original, as it was signed.
            </Text>
          </Alert>
        )}
        <Text size="xs" className="muted" role="note">
          Signed notes are locked. Corrections are made by amendment, additions by addendum; the signed text is never changed.
        </Text>
        <Sections note={note} headingOrder={3} className="note-body" />
        {addenda.length > 0 && (
          <section aria-labelledby="addenda-title">
            <Divider my="sm" />
            <Title order={3} size="h4" id="addenda-title" mb="sm">
              Addenda
            </Title>
            <Stack gap="sm">
              {addenda.map((a) => (
                <Card key={a.id} withBorder padding="md" component="article" aria-label={`Addendum signed ${formatDateTime(a.attester?.[0]?.time ?? a.date)}`} className="addendum">
                  <Text size="sm" fw={600} mb={4}>
                    {signature(a)}
                  </Text>
                  <Sections note={a} headingOrder={4} className="addendum-body" />
                </Card>
              ))}
            </Stack>
          </section>
        )}
        {drafts.length > 0 && (
          <Stack gap={4}>
            {drafts.map((d) => (
              <Text size="sm" key={d.id}>
                {noteKind(d) === 'addendum' ? 'Unsigned addendum' : 'Unsigned amendment'} by {refText(d.author[0])}:{' '}
                <Anchor component={Link} to={link(d)}>
                  continue writing
                </Anchor>
              </Text>
            ))}
          </Stack>
        )}
      </Stack>
      <Modal opened={confirmVoid} onClose={() => setConfirmVoid(false)} title="Mark this note entered in error?" centered>
        <Stack>
          <Text size="sm">Use this when the note was written for the wrong patient or visit. The note stays in the record, marked as entered in error, and can no longer be changed or added to.</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirmVoid(false)}>
              Keep the note
            </Button>
            <Button color="red.9" loading={busy} onClick={() => void onVoid().then(() => setConfirmVoid(false))}>
              Mark entered in error
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}
