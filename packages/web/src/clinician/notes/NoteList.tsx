/**
 * The chart's notes at /patients/:id/notes: the current encounter (start or end it), a new note
 * from a template (attached to the encounter in progress), and every note of the patient, drafts
 * and signed, newest first, filterable by type and author. Each row links to the note's page.
 */
import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Alert, Anchor, Button, Card, Center, Group, Loader, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useFhir, useLoad } from '../../fhir/use-fhir.ts';
import { FhirError, errorMessage } from '../../fhir/client.ts';
import { formatDateTime } from '../../fhir/format.ts';
import { useCurrentPractitioner } from '../../auth/me.ts';
import { EncounterBar } from '../encounters/EncounterBar.tsx';
import { useCurrentEncounter } from '../encounters/use-encounter.ts';
import { newDraft } from './composition.ts';
import { NOTE_TEMPLATES, templateById } from './templates.ts';
import { StatusBadge } from './NoteParts.tsx';
import { noteRows } from './note-rows.ts';
import './documentation.css';

export const noteListCriteria = (patientId: string): Record<string, string> => ({ patient: patientId, _sort: '-date', _count: '100' });

const ALL = '*';

export function NoteList({ patientId }: { patientId: string }) {
  const client = useFhir();
  const navigate = useNavigate();
  const current = useCurrentEncounter(patientId);
  const { reference: me } = useCurrentPractitioner();
  const { data, error, loading } = useLoad(
    async (c, signal) => {
      const [compositions, documents] = await Promise.all([c.searchResources('Composition', noteListCriteria(patientId), signal), c.searchResources('DocumentReference', noteListCriteria(patientId), signal)]);
      return noteRows(compositions, documents);
    },
    [patientId],
  );
  const [template, setTemplate] = useState<string | null>('soap');
  const [typeFilter, setTypeFilter] = useState<string | null>(ALL);
  const [authorFilter, setAuthorFilter] = useState<string | null>(ALL);
  const [creating, setCreating] = useState(false);
  const [failure, setFailure] = useState<string>();

  const notes = useMemo(() => data ?? [], [data]);
  const types = [...new Set(notes.map((n) => n.type))].sort();
  const authors = [...new Set(notes.map((n) => n.author))].sort();
  const shown = notes.filter((n) => (typeFilter === ALL || n.type === typeFilter) && (authorFilter === ALL || n.author === authorFilter));

  const create = async () => {
    const t = template ? templateById(template) : undefined;
    if (!t || !current.encounter || !me) return;
    setCreating(true);
    setFailure(undefined);
    try {
      const draft = await client.create(newDraft(t, { patientId, encounter: { reference: `Encounter/${current.encounter.id ?? ''}` }, custodian: current.encounter.serviceProvider, author: me, now: new Date() }));
      navigate(`/patients/${patientId}/notes/${draft.id ?? ''}`);
    } catch (err) {
      setFailure(errorMessage(err));
      setCreating(false);
    }
  };

  return (
    <Stack gap="md">
      <EncounterBar current={current} />
      <Card withBorder padding="md" component="section" aria-labelledby="new-note-title">
        <Title order={2} size="h4" id="new-note-title" mb="xs">
          New note
        </Title>
        <Group align="flex-end" wrap="wrap">
          <Select label="Template" data={NOTE_TEMPLATES.map((t) => ({ value: t.id, label: t.title }))} value={template} onChange={setTemplate} allowDeselect={false} w={240} />
          <Button onClick={() => void create()} loading={creating} disabled={!current.encounter || !me}>
            Write note
          </Button>
        </Group>
        {!current.loading && !current.encounter && (
          <Text size="sm" className="muted" mt="xs">
            Start an encounter first: a note documents a visit.
          </Text>
        )}
        {failure && (
          <Alert color="red" role="alert" mt="sm" title="The note was not created">
            {failure}
          </Alert>
        )}
      </Card>
      <Card withBorder padding="md" component="section" aria-labelledby="notes-title">
        <Group justify="space-between" align="flex-end" mb="sm" wrap="wrap">
          <Title order={2} size="h4" id="notes-title">
            Notes
          </Title>
          <Group gap="sm" wrap="wrap">
            <Select label="Type" size="xs" data={[{ value: ALL, label: 'All types' }, ...types.map((t) => ({ value: t, label: t }))]} value={typeFilter} onChange={setTypeFilter} allowDeselect={false} w={200} />
            <Select label="Author" size="xs" data={[{ value: ALL, label: 'All authors' }, ...authors.map((a) => ({ value: a, label: a }))]} value={authorFilter} onChange={setAuthorFilter} allowDeselect={false} w={200} />
          </Group>
        </Group>
        {error ? (
          <Alert color="red" role="alert">
            {error instanceof FhirError && error.status === 403 ? 'Notes are not available to your role.' : error.message}
          </Alert>
        ) : loading && !data ? (
          <Center h={120}>
            <Loader role="progressbar" aria-label="Loading notes" />
          </Center>
        ) : shown.length === 0 ? (
          <Text size="sm" className="muted">
            {notes.length === 0 ? 'No notes yet.' : 'No notes match these filters.'}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={560}>
            <Table aria-label="Notes" verticalSpacing="xs" highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Date</Table.Th>
                  <Table.Th scope="col">Note</Table.Th>
                  <Table.Th scope="col">Type</Table.Th>
                  <Table.Th scope="col">Author</Table.Th>
                  <Table.Th scope="col">Status</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {shown.map((n) => (
                  <Table.Tr key={n.page} data-note={n.page}>
                    <Table.Td className="nowrap">{formatDateTime(n.date)}</Table.Td>
                    <Table.Td>
                      <Anchor component={Link} to={`/patients/${patientId}/notes/${n.page}`}>
                        {n.title}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{n.type}</Table.Td>
                    <Table.Td>{n.author}</Table.Td>
                    <Table.Td className="note-status">
                      <StatusBadge label={n.status} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
    </Stack>
  );
}
