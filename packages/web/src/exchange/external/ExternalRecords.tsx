/**
 * The chart tab "Other organizations": find this patient at the partner organizations
 * (`$external-match`: each candidate with its organization, score and grade; partners that could
 * not answer are named with their reason), open a candidate's record there (RemoteRecord), follow
 * it for news, and reconcile its medications, allergies and problems with the local lists.
 */
import { useState } from 'react';
import { Alert, Button, Card, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import type { Bundle } from '@medplum/fhirtypes';
import { errorMessage } from '../../fhir/client.ts';
import { failureTitle } from './failure.ts';
import { formatDate, humanName, sexLabel } from '../../fhir/format.ts';
import { useFhir } from '../../fhir/use-fhir.ts';
import { GRADE_LABELS, readMatches, scoreText, type Candidate, type MatchResult } from './match-model.ts';
import { RemoteRecord } from './RemoteRecord.tsx';
import './external.css';

function Candidates({ result, onOpen }: { result: MatchResult; onOpen: (c: Candidate) => void }) {
  return (
    <Stack gap="sm">
      {result.failures.map((f, i) => (
        <Alert key={i} color="orange" title={`${f.organization} could not answer`} role="status" data-failure={f.organization}>
          {f.message}
        </Alert>
      ))}
      {result.candidates.length === 0 ? (
        <Text size="sm" className="muted">
          No partner organization has a record that matches this patient.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="sm" aria-label="Matches at partner organizations">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Organization</Table.Th>
                <Table.Th>Patient there</Table.Th>
                <Table.Th>Born</Table.Th>
                <Table.Th>Score</Table.Th>
                <Table.Th>Grade</Table.Th>
                <Table.Th>
                  <span className="visually-hidden">Actions</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {result.candidates.map((c) => (
                <Table.Tr key={`${c.partner}/${c.remoteId}`} data-candidate={c.organization}>
                  <Table.Td fw={600}>{c.organization}</Table.Td>
                  <Table.Td>
                    {humanName(c.patient.name)}
                    <Text size="xs" className="muted">
                      {sexLabel(c.patient.gender)}
                    </Text>
                  </Table.Td>
                  <Table.Td className="list-nowrap">{formatDate(c.patient.birthDate) || '—'}</Table.Td>
                  <Table.Td>{scoreText(c.score)}</Table.Td>
                  <Table.Td className="list-nowrap">{c.grade ? GRADE_LABELS[c.grade] : '—'}</Table.Td>
                  <Table.Td ta="right">
                    <Button size="xs" variant="default" onClick={() => onOpen(c)} aria-label={`Open record at ${c.organization}`}>
                      Open record
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

export function ExternalRecords({ patientId, onChanged }: { patientId: string; onChanged: () => void }) {
  const client = useFhir();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<MatchResult>();
  const [problem, setProblem] = useState<{ title: string; text: string }>();
  const [open, setOpen] = useState<Candidate>();

  const find = async () => {
    setBusy(true);
    setProblem(undefined);
    setOpen(undefined);
    try {
      const bundle = await client.operation<Bundle>(`Patient/${encodeURIComponent(patientId)}/$external-match`, [{ name: 'purpose', valueCode: 'TREAT' }]);
      setResult(readMatches(bundle));
    } catch (err) {
      setResult(undefined);
      setProblem({ title: failureTitle(err, 'search the partner organizations'), text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack gap="md" className="exchange">
      <Card withBorder padding="md" component="section" aria-labelledby="external-find">
        <Group justify="space-between" mb="sm" wrap="wrap">
          <div>
            <Title order={2} size="h3" id="external-find">
              Records at other organizations
            </Title>
            <Text size="sm" className="muted">
              Looks for this patient at the partner organizations, for treatment. What they send is shown apart from this chart until you import it.
            </Text>
          </div>
          <Button onClick={() => void find()} loading={busy}>
            Find at partner organizations
          </Button>
        </Group>
        {busy && !result && (
          <Group gap="sm">
            <Loader size="sm" role="progressbar" aria-label="Searching the partner organizations" />
            <Text size="sm" className="muted">
              Asking the partner organizations…
            </Text>
          </Group>
        )}
        {problem && (
          <Alert color="red" title={problem.title} role="alert">
            {problem.text}
          </Alert>
        )}
        {result && <Candidates result={result} onOpen={setOpen} />}
      </Card>
      {open && <RemoteRecord key={`${open.partner}/${open.remoteId}`} patientId={patientId} candidate={open} onClose={() => setOpen(undefined)} onChanged={onChanged} />}
    </Stack>
  );
}
