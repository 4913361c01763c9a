/**
 * Possible duplicate patients at /admin/duplicates (administrators, front desk): each pair
 * `Patient/$duplicates` finds, side by side (name, birth date, sex, address, identifiers, the
 * differing lines marked) with its score and grade; merging one into the other (MergeDialog.tsx:
 * choose the survivor, see what moves, confirm); and the patients merged before, which can be
 * unmerged (`$unmerge` moves back exactly what the merge moved).
 */
import { useEffect, useState } from 'react';
import { Alert, Badge, Button, Card, Center, Group, Loader, Modal, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { errorMessage } from '../../fhir/client.ts';
import { useFhir, useLoad } from '../../fhir/use-fhir.ts';
import { loadMerged, loadPairs, type MergedPatient } from './duplicates-data.ts';
import { scoreText, type ComparedField, type PairView, type PatientSide } from './duplicates-model.ts';
import { MergeDialog } from './MergeDialog.tsx';
import './exchange-admin.css';
import { ActionFeedback } from '../../ui/ActionFeedback.tsx';

const LINES: { key: ComparedField; label: string }[] = [
  { key: 'name', label: 'Name' },
  { key: 'birthDate', label: 'Birth date' },
  { key: 'sex', label: 'Sex' },
  { key: 'address', label: 'Address' },
  { key: 'identifiers', label: 'Identifiers' },
];

const cell = (s: PatientSide, key: ComparedField): string => (key === 'identifiers' ? s.identifiers.join('; ') || '—' : s[key]);

const GRADE_COLOR: Record<string, string> = { certain: 'red.9', probable: 'orange.9', possible: 'yellow.9' };

function Pair({ pair, onMerge }: { pair: PairView; onMerge: () => void }) {
  return (
    <Card withBorder padding="md" data-pair={pair.key} role="region" aria-label={`Possible duplicate: ${pair.a.name} and ${pair.b.name}`}>
      <Stack gap="xs">
        <Group justify="space-between">
          <Group gap="xs">
            <Title order={2} size="h4">
              {pair.a.name} · {pair.b.name}
            </Title>
            <Badge variant="light" color="gray" c="gray.9">
              Score {scoreText(pair.score)}
            </Badge>
            {pair.grade && (
              <Badge variant="light" color={GRADE_COLOR[pair.grade] ?? 'gray'} c={GRADE_COLOR[pair.grade] ?? 'gray.9'}>
                {pair.grade}
              </Badge>
            )}
          </Group>
          <Button size="sm" onClick={onMerge}>
            Merge…
          </Button>
        </Group>
        <Table className="pair-grid" withColumnBorders layout="fixed" aria-label="The two patients compared">
          <Table.Thead>
            <Table.Tr>
              <Table.Th className="pair-field">
                <VisuallyHidden>Field</VisuallyHidden>
              </Table.Th>
              <Table.Th>Patient {pair.a.id}</Table.Th>
              <Table.Th>Patient {pair.b.id}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {LINES.map((l) => (
              <Table.Tr key={l.key}>
                <Table.Th scope="row">{l.label}</Table.Th>
                {[pair.a, pair.b].map((s) => (
                  <Table.Td key={s.id} data-differs={pair.differs.has(l.key)} className="wrap-anywhere">
                    {cell(s, l.key)}
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Stack>
    </Card>
  );
}

export function DuplicatesPage() {
  const client = useFhir();
  const [reload, setReload] = useState(0);
  const pairs = useLoad((c, signal) => loadPairs(c, signal), [reload]);
  const merged = useLoad((c, signal) => loadMerged(c, signal), [reload]);
  const [merging, setMerging] = useState<PairView>();
  const [unmerging, setUnmerging] = useState<MergedPatient>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  useEffect(() => {
    document.title = 'Possible duplicate patients · Continuum';
  }, []);

  const unmerge = async (m: MergedPatient) => {
    setBusy(true);
    setError(undefined);
    try {
      await client.operation(`Patient/$unmerge`, [{ name: 'source-patient', valueReference: { reference: `Patient/${m.source.id}` } }]);
      setNotice(`${m.source.name} is unmerged: what the merge moved is back on their record.`);
      setUnmerging(undefined);
      setReload((n) => n + 1);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack gap="md" maw={1200}>
      <Group justify="space-between" align="flex-end" wrap="nowrap">
        <Stack gap={0}>
          <Title order={1} size="h2">
            Possible duplicate patients
          </Title>
          <Text size="sm" className="muted">
            Patients who may be the same person, most likely first. Lines that differ are highlighted. Merging keeps one record and moves everything of the other to it; it can be undone.
          </Text>
        </Stack>
        <Button variant="default" onClick={() => setReload((n) => n + 1)}>
          Refresh
        </Button>
      </Group>
      <ActionFeedback notice={notice} error={error} onDismissError={() => setError(undefined)} />
      {pairs.error ? (
        <Alert color="red" role="alert" title="The possible duplicates could not be loaded">
          {pairs.error.message}
        </Alert>
      ) : !pairs.data ? (
        <Center h={160}>
          <Loader role="progressbar" aria-label="Loading possible duplicates" />
        </Center>
      ) : pairs.data.length === 0 ? (
        <Text className="muted">No possible duplicates. New registrations are compared as they come in.</Text>
      ) : (
        pairs.data.map((p) => <Pair key={p.key} pair={p} onMerge={() => setMerging(p)} />)
      )}
      <Title order={2} size="h3" mt="md">
        Merged patients
      </Title>
      {merged.error ? (
        <Alert color="red" role="alert" title="The merged patients could not be loaded">
          {merged.error.message}
        </Alert>
      ) : !merged.data ? (
        <Center h={80}>
          <Loader role="progressbar" aria-label="Loading merged patients" />
        </Center>
      ) : merged.data.length === 0 ? (
        <Text className="muted">No merged patients.</Text>
      ) : (
        <Table className="exchange-table" aria-label="Merged patients">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Merged record</Table.Th>
              <Table.Th>Kept record</Table.Th>
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {merged.data.map((m) => (
              <Table.Tr key={m.source.id} data-merged={m.source.id}>
                <Table.Td>
                  {m.source.name} · {m.source.birthDate} · Patient {m.source.id}
                </Table.Td>
                <Table.Td>{m.survivor ? `${m.survivor.name} · ${m.survivor.birthDate} · Patient ${m.survivor.id}` : `Patient ${m.source.replacedBy ?? ''}`}</Table.Td>
                <Table.Td>
                  <Group justify="flex-end">
                    <Button size="xs" variant="default" onClick={() => setUnmerging(m)} aria-label={`Unmerge ${m.source.name} (Patient ${m.source.id})`}>
                      Unmerge
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {merging && (
        <MergeDialog
          pair={merging}
          onCancel={() => setMerging(undefined)}
          onMerged={(text) => {
            setMerging(undefined);
            setNotice(text);
            setReload((n) => n + 1);
          }}
        />
      )}
      <Modal opened={Boolean(unmerging)} onClose={() => setUnmerging(undefined)} title={`Unmerge ${unmerging?.source.name ?? ''}?`} centered>
        <Stack gap="sm">
          <Text size="sm">The merged record becomes active again, and what the merge moved to the kept record goes back to it. Changes made since stay on the kept record.</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setUnmerging(undefined)}>
              Cancel
            </Button>
            <Button loading={busy} onClick={() => unmerging && void unmerge(unmerging)}>
              Unmerge
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
