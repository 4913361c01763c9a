/**
 * Writing to a partner organization (`Communication/$send-to-partner`): the partner, an optional
 * patient of ours the message is about, a subject, the text and files (PDF, PNG, JPEG or text, up
 * to 5 MB each). A reply is prefilled from the message it answers and names it (`inResponseTo`).
 */
import { useEffect, useState } from 'react';
import { Alert, Button, Card, FileInput, Group, Select, Stack, Textarea, TextInput, Title } from '@mantine/core';
import type { Parameters } from '@medplum/fhirtypes';
import { errorMessage } from '../../fhir/client.ts';
import { humanName } from '../../fhir/format.ts';
import { useFhir } from '../../fhir/use-fhir.ts';
import { fileAttachment } from '../../inbox/messages-data.ts';
import type { PartnerRow } from '../admin/partners-model.ts';
import { PARTNER_ATTACHMENT_TYPES, replyTopic, sendParameters, validateCompose, type PartnerMessage } from './partner-messages.ts';

/** A patient search for the optional "about" field: name or MRN, ten at most. */
function usePatientOptions(query: string, chosen: { value: string; label: string } | undefined) {
  const client = useFhir();
  const [options, setOptions] = useState<{ value: string; label: string }[]>([]);
  useEffect(() => {
    if (query.trim().length < 2) return;
    const ac = new AbortController();
    const timer = setTimeout(() => {
      client.searchResources('Patient', { name: query.trim(), _count: 10 }, ac.signal).then(
        (found) => setOptions(found.map((p) => ({ value: p.id ?? '', label: `${humanName(p.name)}${p.birthDate ? `, born ${p.birthDate}` : ''}` }))),
        () => undefined,
      );
    }, 250);
    return () => {
      clearTimeout(timer);
      ac.abort();
    };
  }, [client, query]);
  return chosen && !options.some((o) => o.value === chosen.value) ? [chosen, ...options] : options;
}

export function ComposePartnerMessage({ partners, replyTo, onSent, onCancel }: { partners: PartnerRow[]; replyTo: PartnerMessage | undefined; onSent: (notice: string) => void; onCancel: () => void }) {
  const client = useFhir();
  const active = partners.filter((p) => p.active);
  const [partner, setPartner] = useState(replyTo?.partnerId ?? '');
  const [topic, setTopic] = useState(replyTo ? replyTopic(replyTo.topic) : '');
  const [text, setText] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [patientQuery, setPatientQuery] = useState('');
  const initialPatient = replyTo?.patientId ? { value: replyTo.patientId, label: replyTo.patientName ?? `Patient ${replyTo.patientId}` } : undefined;
  const [patient, setPatient] = useState(initialPatient);
  const patientOptions = usePatientOptions(patientQuery, patient);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const submit = async () => {
    const form = { partner, topic, text, patientId: patient?.value, files: files.map((f) => ({ name: f.name, size: f.size, type: f.type })), inResponseTo: replyTo?.exchangeId };
    const problem = validateCompose(form);
    setError(problem);
    if (problem) return;
    setBusy(true);
    try {
      const attachments = await Promise.all(files.map(fileAttachment));
      const answer = await client.operation<Parameters>('Communication/$send-to-partner', sendParameters(form, attachments));
      const name = active.find((p) => p.organizationId === partner)?.name ?? 'the partner';
      const delivered = answer.parameter?.find((p) => p.name === 'delivered')?.valueBoolean !== false;
      onSent(delivered ? `Message sent to ${name}.` : `The message is saved, but ${name} could not be reached: it was not delivered.`);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <Card withBorder padding="md">
      <form
        noValidate
        aria-label={replyTo ? 'Reply to the partner' : 'New message to a partner'}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Stack gap="sm">
          <Title order={2} size="h4">
            {replyTo ? `Reply to ${replyTo.partnerName}` : 'New message to a partner'}
          </Title>
          <Select
            label="To"
            required
            placeholder={active.length === 0 ? 'No active partner' : 'Choose an organization'}
            data={active.map((p) => ({ value: p.organizationId, label: p.name }))}
            value={partner || null}
            onChange={(v) => setPartner(v ?? '')}
            disabled={Boolean(replyTo?.partnerId)}
          />
          <Select
            label="About patient (optional)"
            placeholder="Type a name to search"
            searchable
            clearable
            data={patientOptions}
            value={patient?.value ?? null}
            searchValue={patientQuery}
            onSearchChange={setPatientQuery}
            onChange={(v) => setPatient(patientOptions.find((o) => o.value === v))}
            nothingFoundMessage={patientQuery.trim().length < 2 ? 'Type at least two letters' : 'No patient found'}
            clearButtonProps={{ 'aria-label': 'Clear the patient' }}
          />
          <TextInput label="Subject" value={topic} onChange={(e) => setTopic(e.currentTarget.value)} />
          <Textarea label="Message" required autosize minRows={4} value={text} onChange={(e) => setText(e.currentTarget.value)} />
          <FileInput label="Attach files (PDF, PNG, JPEG or text, up to 5 MB each)" accept={PARTNER_ATTACHMENT_TYPES.join(',')} multiple clearable clearButtonProps={{ 'aria-label': 'Remove the files' }} value={files} onChange={setFiles} />
          {error && (
            <Alert color="red" role="alert" title="Not sent">
              {error}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Send
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
