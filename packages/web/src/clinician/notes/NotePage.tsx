/**
 * One note at /patients/:id/notes/:noteId: the editor while it is a draft, the locked view once
 * signed, with the notes that point at it (addenda, amendments) found by `related-ref`.
 */
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Alert, Anchor, Center, Loader, Stack } from '@mantine/core';
import type { Composition } from '@medplum/fhirtypes';
import type { FhirClient } from '../../fhir/client.ts';
import { useFhir, useLoad } from '../../fhir/use-fhir.ts';
import { useCurrentPractitioner } from '../../auth/me.ts';
import { addendumDraft, amendmentDraft, isDraft, noteKind } from './composition.ts';
import { NoteEditor } from './NoteEditor.tsx';
import { SignedNote } from './SignedNote.tsx';
import { DocumentView } from './DocumentView.tsx';
import { DOCUMENT_PREFIX } from './note-rows.ts';
import { errorMessage } from '../../fhir/client.ts';

export interface LoadedNote {
  note: Composition;
  /** Notes that point at this one, oldest first. */
  related: Composition[];
}

export async function loadNote(client: FhirClient, noteId: string, signal?: AbortSignal): Promise<LoadedNote> {
  const [note, related] = await Promise.all([
    client.read('Composition', noteId, signal),
    client.searchResources('Composition', { 'related-ref': `Composition/${noteId}`, _sort: 'date', _count: '100' }, signal),
  ]);
  return { note, related };
}

export function NotePage({ patientId, noteId }: { patientId: string; noteId: string }) {
  if (noteId.startsWith(DOCUMENT_PREFIX)) {
    return (
      <Stack gap="sm">
        <BackLink patientId={patientId} />
        <DocumentView documentId={noteId.slice(DOCUMENT_PREFIX.length)} />
      </Stack>
    );
  }
  return <CompositionPage patientId={patientId} noteId={noteId} />;
}

function BackLink({ patientId }: { patientId: string }) {
  return (
    <Anchor component={Link} to={`/patients/${patientId}/notes`} size="sm">
      ← All notes
    </Anchor>
  );
}

function CompositionPage({ patientId, noteId }: { patientId: string; noteId: string }) {
  const client = useFhir();
  const navigate = useNavigate();
  const { reference: me } = useCurrentPractitioner();
  const [version, setVersion] = useState(0);
  const { data, error, loading } = useLoad((c, signal) => loadNote(c, noteId, signal), [noteId, version]);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string>();
  const back = <BackLink patientId={patientId} />;

  if (error) {
    return (
      <Stack gap="sm">
        {back}
        <Alert color="red" role="alert" title="The note could not be opened">
          {error.message}
        </Alert>
      </Stack>
    );
  }
  if (!data || (loading && data.note.id !== noteId)) {
    return (
      <Center h={200}>
        <Loader role="progressbar" aria-label="Loading the note" />
      </Center>
    );
  }
  const { note, related } = data;

  const follow = async (make: (signed: Composition) => Composition) => {
    if (!me) {
      setActionError('Only a practitioner can write notes');
      return;
    }
    setBusy(true);
    setActionError(undefined);
    try {
      const created = await client.create(make(note));
      navigate(`/patients/${patientId}/notes/${created.id ?? ''}`);
    } catch (err) {
      setActionError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const ctx = () => ({ patientId, encounter: note.encounter, custodian: note.custodian, author: me!, now: new Date() });

  return (
    <Stack gap="sm">
      {back}
      {isDraft(note) ? (
        <NoteEditor key={note.id} initial={note} patientId={patientId} signer={me} onSigned={() => setVersion((v) => v + 1)} onDiscarded={() => navigate(`/patients/${patientId}/notes`)} />
      ) : (
        <SignedNote
          note={note}
          patientId={patientId}
          addenda={related.filter((r) => noteKind(r) === 'addendum' && !isDraft(r) && r.status !== 'entered-in-error')}
          supersededBy={related.find((r) => noteKind(r) === 'amendment' && (r.status === 'final' || r.status === 'amended'))}
          drafts={related.filter(isDraft)}
          onAddendum={() => void follow((n) => addendumDraft(n, ctx()))}
          onAmend={() => void follow((n) => amendmentDraft(n, ctx()))}
          onVoid={async () => {
            setBusy(true);
            setActionError(undefined);
            try {
              await client.update({ ...note, status: 'entered-in-error' });
              setVersion((v) => v + 1);
            } catch (err) {
              setActionError(errorMessage(err));
            } finally {
              setBusy(false);
            }
          }}
          busy={busy}
          error={actionError}
        />
      )}
    </Stack>
  );
}
