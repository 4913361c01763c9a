/**
 * /portal/corrections: ask the clinic to correct the record (`$request-amendment`), about the
 * record in general or one item of it (a problem, a medication, an allergy), and follow the
 * requests: status, the clinic's decision and its reason, and the date by which it must answer.
 */
import { useState } from 'react';
import { Alert, Badge, Button, Card, Select, Stack, Text, Textarea, Title } from '@mantine/core';
import type { AllergyIntolerance, Condition, MedicationRequest, Task } from '@medplum/fhirtypes';
import { errorMessage } from '../../../fhir/client.ts';
import { conceptText, formatDate } from '../../../fhir/format.ts';
import { useFhir, useLoad } from '../../../fhir/use-fhir.ts';
import { usePortal } from '../../portal-context.ts';
import { givenParts } from '../parameters.ts';
import { LoadedView, PortalPage } from '../PortalPage.tsx';
import { AMENDMENT_CODE, amendmentRows, type AmendmentRow } from './amendments.ts';

interface RecordItem {
  value: string;
  label: string;
}

const STATUS_COLOR: Record<AmendmentRow['status'], string> = { waiting: 'blue.9', accepted: 'green.9', denied: 'red.9', withdrawn: 'gray.8' };

async function recordItems(client: ReturnType<typeof useFhir>, patientId: string, signal: AbortSignal) {
  const patient = `Patient/${patientId}`;
  const [problems, meds, allergies] = await Promise.all([
    client.searchResources('Condition', { patient, _count: 100 }, signal),
    client.searchResources('MedicationRequest', { patient, status: 'active', _count: 100 }, signal),
    client.searchResources('AllergyIntolerance', { patient, _count: 100 }, signal),
  ]);
  const group = (name: string, items: RecordItem[]) => (items.length > 0 ? [{ group: name, items }] : []);
  return [
    ...group('Problems', problems.map((c: Condition) => ({ value: `Condition/${c.id}`, label: conceptText(c.code) }))),
    ...group('Medications', meds.map((m: MedicationRequest) => ({ value: `MedicationRequest/${m.id}`, label: conceptText(m.medicationCodeableConcept) }))),
    ...group('Allergies', allergies.map((a: AllergyIntolerance) => ({ value: `AllergyIntolerance/${a.id}`, label: conceptText(a.code) }))),
  ];
}

function RequestForm({ onSent }: { onSent: () => void }) {
  const client = useFhir();
  const { patientId } = usePortal();
  const items = useLoad((c, signal) => recordItems(c, patientId, signal), [patientId]);
  const [focus, setFocus] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [error, setError] = useState<string>();
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);
  const labelOf = (value: string) => items.data?.flatMap((g) => g.items).find((i) => i.value === value)?.label;

  const send = async () => {
    setFailure(undefined);
    if (!text.trim()) {
      setError('Please say what is wrong and what it should say.');
      return;
    }
    setError(undefined);
    setBusy(true);
    try {
      await client.operation<Task>(`Patient/${patientId}/$request-amendment`, givenParts({ name: 'text', valueString: text.trim() }, focus !== null && { name: 'focus', valueReference: { reference: focus, display: labelOf(focus) } }));
      setText('');
      setFocus(null);
      onSent();
    } catch (err) {
      setFailure(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card withBorder padding="md">
      <form
        noValidate
        aria-label="Request a correction"
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
      >
        <Stack gap="sm">
          <Title order={2} size="h3">
            Request a correction
          </Title>
          <Text size="sm">If something in your record is wrong or missing, tell us. The clinic must answer within 60 days.</Text>
          <Select
            label="What is it about? (optional)"
            placeholder={items.loading ? 'Loading your record…' : 'My record in general'}
            data={items.data ?? []}
            value={focus}
            onChange={setFocus}
            clearable
            searchable
            nothingFoundMessage="Nothing matches"
          />
          <Textarea label="What should be corrected?" required autosize minRows={3} value={text} onChange={(e) => setText(e.currentTarget.value)} error={error} />
          {failure && (
            <Alert color="red" title="The request was not sent">
              {failure}
            </Alert>
          )}
          <div>
            <Button type="submit" loading={busy}>
              Send request
            </Button>
          </div>
        </Stack>
      </form>
    </Card>
  );
}

function RequestCard({ row }: { row: AmendmentRow }) {
  return (
    <Card withBorder padding="md" component="article" aria-label={`Request of ${formatDate(row.requested)}: ${row.statusLabel}`}>
      <Stack gap={4}>
        <Badge color={STATUS_COLOR[row.status]}>
          {row.statusLabel}
        </Badge>
        <Text>{row.text}</Text>
        <Text size="sm" className="muted">
          {row.about ? `About: ${row.about} · ` : ''}Sent {formatDate(row.requested)}
          {row.status === 'waiting' && row.answerBy ? ` · Answer due by ${formatDate(row.answerBy)}` : ''}
        </Text>
        {row.decision && <Text size="sm">Decision: {row.decision}</Text>}
        {row.reason && <Text size="sm">Reason: {row.reason}</Text>}
      </Stack>
    </Card>
  );
}

export function Corrections() {
  const { patientId } = usePortal();
  const [reload, setReload] = useState(0);
  const [notice, setNotice] = useState<string>();
  const requests = useLoad(
    async (client, signal) => amendmentRows(await client.searchResources('Task', { patient: `Patient/${patientId}`, code: `${AMENDMENT_CODE.system}|${AMENDMENT_CODE.code}`, _count: 100 }, signal)),
    [patientId, reload],
  );
  return (
    <PortalPage title="Corrections">
      {notice && (
        <Alert color="green" withCloseButton onClose={() => setNotice(undefined)} closeButtonLabel="Dismiss">
          {notice}
        </Alert>
      )}
      <RequestForm
        onSent={() => {
          setNotice('Your request was sent. We will let you know the decision.');
          setReload((n) => n + 1);
        }}
      />
      <section aria-labelledby="pb-requests">
        <Title order={2} size="h3" id="pb-requests" mb="xs">
          My requests
        </Title>
        <LoadedView state={requests} what="your requests">
          {(rows) => (rows.length === 0 ? <Text>No requests yet.</Text> : <Stack gap="sm">{rows.map((r) => <RequestCard key={r.id} row={r} />)}</Stack>)}
        </LoadedView>
      </section>
    </PortalPage>
  );
}
