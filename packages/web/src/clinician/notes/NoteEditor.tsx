/**
 * Writing a draft note: a text box per template section, saved as the user types (see
 * use-autosave.ts) with the save state always on screen. Signing saves what is left, then makes
 * the note final with the signer as legal attester; from then on the server refuses any change.
 * A draft can also be discarded (deleted), which only drafts allow.
 */
import { useEffect, useRef, useState } from 'react';
import { Alert, Badge, Button, Card, Group, Modal, Stack, Text, Textarea, Title } from '@mantine/core';
import type { Composition, Practitioner, Reference } from '@medplum/fhirtypes';
import { useFhir } from '../../fhir/use-fhir.ts';
import { formatDateTime, refText } from '../../fhir/format.ts';
import { editorSections, sectionTexts, signed } from './composition.ts';
import { useAutosave, type SaveState } from './use-autosave.ts';
import { RelatedLink, STATUS_COLOR } from './NoteParts.tsx';
import { vitalsLine } from '../vitals/vitals-summary.ts';
import { errorMessage } from '../../fhir/client.ts';

/** The sections that take the encounter's vitals (the first one the template has). */
const VITALS_SECTIONS = new Set(['objective', 'exam']);

function SaveStatus({ state }: { state: SaveState }) {
  const text =
    state.kind === 'saving' ? 'Saving…' : state.kind === 'saved' ? `Saved at ${state.at.toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit' })}` : state.kind === 'idle' ? 'Draft: changes save automatically' : '';
  return (
    <Text size="sm" className="muted save-status" role="status" aria-live="polite">
      {text}
    </Text>
  );
}

export function NoteEditor({ initial, patientId, signer, onSigned, onDiscarded }: { initial: Composition; patientId: string; signer: Reference<Practitioner> | undefined; onSigned: (c: Composition) => void; onDiscarded: () => void }) {
  const client = useFhir();
  const { note, texts, setTexts, state, flush, replaced, stop, stopped } = useAutosave(initial);
  const sections = editorSections(initial);
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState<'sign' | 'discard'>();
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  const loaded = useRef(false);
  useEffect(() => {
    if (loaded.current) return;
    loaded.current = true;
    setTexts(sectionTexts(initial, sections), { immediate: true });
  }, [initial, sections, setTexts]);

  const vitalsSection = note.encounter?.reference ? sections.find((s) => VITALS_SECTIONS.has(s.key)) : undefined;
  const [vitalsNote, setVitalsNote] = useState<string>();
  const insertVitals = async () => {
    if (!vitalsSection || !note.encounter?.reference) return;
    setVitalsNote(undefined);
    try {
      const found = await client.searchResources('Observation', { encounter: note.encounter.reference, category: 'vital-signs', _count: '100' });
      const line = vitalsLine(found);
      if (!line) {
        setVitalsNote('No vitals have been recorded for this encounter yet.');
        return;
      }
      const before = (texts[vitalsSection.key] ?? '').trimEnd();
      setTexts({ ...texts, [vitalsSection.key]: before ? `${before}\n${line}` : line });
    } catch (err) {
      setVitalsNote(errorMessage(err));
    }
  };

  const sign = async () => {
    setFailure(undefined);
    if (!signer) {
      setFailure('Only a practitioner can sign a note');
      return;
    }
    if (sections.every((s) => !(texts[s.key] ?? '').trim())) {
      setFailure('Write at least one section before signing');
      return;
    }
    setBusy('sign');
    try {
      const saved = await flush();
      const final = await client.update(signed(saved, signer, new Date()));
      replaced(final);
      onSigned(final);
    } catch (err) {
      setFailure(errorMessage(err));
    } finally {
      setBusy(undefined);
    }
  };

  const discard = async () => {
    setBusy('discard');
    stop();
    try {
      await client.delete('Composition', note.id!);
      onDiscarded();
    } catch (err) {
      setFailure(errorMessage(err));
      setBusy(undefined);
      setConfirmDiscard(false);
    }
  };

  return (
    <Card withBorder padding="lg" component="article" aria-labelledby="note-title" className="note-card">
      <Stack gap="md">
        <Group justify="space-between" align="flex-start" wrap="wrap">
          <div>
            <Group gap="xs">
              <Title order={2} size="h3" id="note-title">
                {note.title}
              </Title>
              <Badge color={STATUS_COLOR.Draft} variant="filled" radius="sm">
                Draft
              </Badge>
            </Group>
            <Text size="sm" className="muted">
              {refText(note.author[0])} · started {formatDateTime(initial.date)}
            </Text>
            <RelatedLink note={note} patientId={patientId} />
          </div>
          <SaveStatus state={state} />
        </Group>
        {state.kind === 'error' && (
          <Alert color="red" role="alert" title="The draft was not saved">
            {state.message}. Keep typing or sign to try again.
          </Alert>
        )}
        {state.kind === 'conflict' && (
          <Alert color="orange" role="alert" title="Changed elsewhere">
            <Stack gap="xs" align="flex-start">
              <Text size="sm">{state.message}</Text>
              <Button size="xs" variant="default" onClick={() => window.location.reload()}>
                Reload the note
              </Button>
            </Stack>
          </Alert>
        )}
        {sections.map((s) => (
          <div key={s.key}>
            <Textarea
              label={s.title}
              description={s.hint}
              autosize
              minRows={s.key === 'addendum' ? 5 : 3}
              maxRows={16}
              value={texts[s.key] ?? ''}
              readOnly={stopped}
              onChange={(e) => setTexts({ ...texts, [s.key]: e.currentTarget.value })}
            />
            {s === vitalsSection && (
              <Group gap="sm" mt={6}>
                <Button size="xs" variant="light" onClick={() => void insertVitals()} disabled={stopped}>
                  Insert this encounter’s vitals
                </Button>
                {vitalsNote && (
                  <Text size="xs" className="muted" role="status">
                    {vitalsNote}
                  </Text>
                )}
              </Group>
            )}
          </div>
        ))}
        {failure && (
          <Alert color="red" role="alert" title="Not signed">
            {failure}
          </Alert>
        )}
        <Group justify="space-between">
          <Button variant="subtle" color="red" c="red.9" onClick={() => setConfirmDiscard(true)} disabled={busy !== undefined}>
            Discard draft
          </Button>
          <Button onClick={() => void sign()} loading={busy === 'sign'} disabled={stopped || busy === 'discard'}>
            Sign note
          </Button>
        </Group>
      </Stack>
      <Modal opened={confirmDiscard} onClose={() => setConfirmDiscard(false)} title="Discard this draft?" centered>
        <Stack>
          <Text size="sm">The draft and everything typed in it will be deleted. This cannot be undone.</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirmDiscard(false)}>
              Keep the draft
            </Button>
            <Button color="red.9" onClick={() => void discard()} loading={busy === 'discard'}>
              Discard draft
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}
