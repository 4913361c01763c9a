/**
 * One patient message thread in the clinician's inbox: the messages in order (who wrote, when,
 * the text, the files, and whether the patient has read my replies), and a reply form with an
 * optional file. Opening the thread marks the messages addressed to me read (`$mark-read`); a
 * reply (`$message`) answers the patient's latest message and goes to the patient side.
 */
import { useEffect, useRef, useState } from 'react';
import { Alert, Anchor, Button, Card, Center, FileInput, Group, Loader, Stack, Text, Textarea, Title } from '@mantine/core';
import type { Communication, Parameters } from '@medplum/fhirtypes';
import { errorMessage } from '../fhir/client.ts';
import { formatDateTime } from '../fhir/format.ts';
import { useFhir, useLoad } from '../fhir/use-fhir.ts';
import { ATTACHMENT_TYPES, fileAttachment, isUnreadFor, loadThread, MAX_ATTACHMENT_BYTES } from './messages-data.ts';

interface Props {
  rootId: string;
  me: string;
  /** After the thread was read or answered: the list's counts changed. */
  onChanged: () => void;
}

function Message({ message, me }: { message: Communication; me: string }) {
  const mine = message.sender?.reference === me;
  const text = message.payload?.map((p) => p.contentString).filter(Boolean).join('\n');
  const files = message.payload?.flatMap((p) => (p.contentAttachment ? [p.contentAttachment] : [])) ?? [];
  return (
    <Card withBorder padding="sm" data-message={message.id} className={mine ? 'message-mine' : 'message-theirs'}>
      <Group justify="space-between" gap="xs">
        <Text fw={600} size="sm">
          {mine ? 'You' : (message.sender?.display ?? 'Patient')}
        </Text>
        <Text size="xs" className="muted">
          {formatDateTime(message.sent)}
          {mine && (message.received ? ` · Read ${formatDateTime(message.received)}` : ' · Not read yet')}
        </Text>
      </Group>
      <Text size="sm" className="message-text">
        {text}
      </Text>
      {files.map((f, i) => (
        <Anchor key={i} size="sm" href={`data:${f.contentType ?? 'application/octet-stream'};base64,${f.data ?? ''}`} download={f.title ?? 'attachment'}>
          {f.title ?? 'Attachment'} ({Math.ceil((f.size ?? 0) / 1024)} KB)
        </Anchor>
      ))}
    </Card>
  );
}

export function MessageThread({ rootId, me, onChanged }: Props) {
  const client = useFhir();
  const [reload, setReload] = useState(0);
  const thread = useLoad((c, signal) => loadThread(c, rootId, signal), [rootId, reload]);
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const marked = useRef(new Set<string>());

  // Opening the thread reads it: each message to me is marked read once.
  useEffect(() => {
    const unread = (thread.data ?? []).filter((m) => isUnreadFor(m, me) && !marked.current.has(m.id ?? ''));
    if (unread.length === 0) return;
    for (const m of unread) marked.current.add(m.id ?? '');
    Promise.all(unread.map((m) => client.operation(`Communication/${m.id ?? ''}/$mark-read`)))
      .then(() => onChanged())
      .catch((err: unknown) => setError(errorMessage(err)));
  }, [thread.data, me, client, onChanged]);

  const messages = thread.data ?? [];
  const root = messages[0];
  const patientId = root?.subject?.reference?.replace(/^Patient\//, '');
  const answered = [...messages].reverse().find((m) => m.sender?.reference !== me) ?? messages[messages.length - 1];

  const send = async () => {
    setError(undefined);
    setNotice(undefined);
    if (!text.trim()) return setError('Write a reply first.');
    if (file && file.size > MAX_ATTACHMENT_BYTES) return setError('The file is larger than 5 MB.');
    setBusy(true);
    try {
      const parameters: Parameters = {
        resourceType: 'Parameters',
        parameter: [{ name: 'text', valueString: text.trim() }, { name: 'thread', valueReference: { reference: `Communication/${answered?.id ?? rootId}` } }, ...(file ? [{ name: 'attachment', valueAttachment: await fileAttachment(file) }] : [])],
      };
      await client.operation(`Patient/${patientId ?? ''}/$message`, parameters.parameter);
      setText('');
      setFile(null);
      setNotice('Reply sent.');
      setReload((n) => n + 1);
      onChanged();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  if (thread.error) {
    return (
      <Alert color="red" role="alert" title="The conversation could not be loaded">
        {thread.error.message}
      </Alert>
    );
  }
  if (!root) {
    return (
      <Center h={120}>
        <Loader role="progressbar" aria-label="Loading the conversation" />
      </Center>
    );
  }
  return (
    <Stack gap="sm" aria-label={`Conversation: ${root.topic?.text ?? 'Message'}`} role="region">
      <Title order={2} size="h4">
        {root.topic?.text ?? 'Message'}
        {root.subject?.display ? ` · ${root.subject.display}` : ''}
      </Title>
      {messages.map((m) => (
        <Message key={m.id} message={m} me={me} />
      ))}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
        aria-label="Reply to the patient"
      >
        <Stack gap="xs">
          <Textarea label="Your reply" autosize minRows={3} value={text} onChange={(e) => setText(e.currentTarget.value)} />
          <FileInput label="Attach a file (PDF, PNG, JPEG or text, up to 5 MB)" accept={ATTACHMENT_TYPES} value={file} onChange={setFile} clearable />
          {error && (
            <Alert color="red" role="alert" title="Not sent">
              {error}
            </Alert>
          )}
          <div aria-live="polite" role="status">
            {notice && (
              <Text size="sm" c="green.9">
                {notice}
              </Text>
            )}
          </div>
          <Group justify="flex-end">
            <Button type="submit" loading={busy}>
              Send reply
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
