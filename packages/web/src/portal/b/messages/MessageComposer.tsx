/**
 * The text and attachments of a new message or a reply, sent with `$message`. A new thread also
 * asks for the recipient (the patient's PCP and care team) and a topic; a reply goes to the
 * thread. Files over 5 MB or of another type than PDF, PNG, JPEG or text are refused before
 * anything is sent.
 */
import { useState } from 'react';
import { Alert, Button, FileInput, Group, Select, Stack, Textarea, TextInput } from '@mantine/core';
import type { Communication, ParametersParameter } from '@medplum/fhirtypes';
import { errorMessage } from '../../../fhir/client.ts';
import { useFhir } from '../../../fhir/use-fhir.ts';
import { usePortal } from '../../portal-context.ts';
import { givenParts } from '../parameters.ts';
import { fileToAttachment } from './attachment-file.ts';
import { ATTACHMENT_TYPES, attachmentProblem } from './threads.ts';

export interface Recipient {
  reference: string;
  name: string;
}

export interface MessageComposerProps {
  /** A reply: the thread's first message id. */
  threadId?: string;
  /** A new thread: whom the patient may write to. */
  recipients?: readonly Recipient[];
  onSent: (message: Communication) => void;
}

export function MessageComposer({ threadId, recipients, onSent }: MessageComposerProps) {
  const client = useFhir();
  const { patientId } = usePortal();
  const [recipient, setRecipient] = useState<string | null>(recipients?.[0]?.reference ?? null);
  const [topic, setTopic] = useState('');
  const [text, setText] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [errors, setErrors] = useState<{ topic?: string; text?: string; files?: string }>({});
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);

  const send = async () => {
    const found = {
      ...(threadId === undefined && !topic.trim() ? { topic: 'Please give your message a subject.' } : {}),
      ...(!text.trim() ? { text: 'Please write your message.' } : {}),
      ...(files.map(attachmentProblem).find(Boolean) ? { files: files.map(attachmentProblem).filter(Boolean).join(' ') } : {}),
    };
    setErrors(found);
    setFailure(undefined);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      const attachments = await Promise.all(files.map(fileToAttachment));
      const parts: ParametersParameter[] = [
        { name: 'text', valueString: text.trim() },
        ...(threadId ? [{ name: 'thread', valueReference: { reference: `Communication/${threadId}` } }] : [{ name: 'topic', valueString: topic.trim() }]),
        ...(threadId === undefined && recipient ? [{ name: 'recipient', valueReference: { reference: recipient } }] : []),
        ...attachments.map((a) => ({ name: 'attachment', valueAttachment: a })),
      ];
      const sent = await client.operation<Communication>(`Patient/${patientId}/$message`, givenParts(...parts));
      setText('');
      setTopic('');
      setFiles([]);
      onSent(sent);
    } catch (err) {
      setFailure(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      noValidate
      aria-label={threadId ? 'Reply' : 'New message'}
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <Stack gap="sm">
        {recipients && (
          <Select label="To" data={recipients.map((r) => ({ value: r.reference, label: r.name }))} value={recipient} onChange={setRecipient} allowDeselect={false} required />
        )}
        {threadId === undefined && <TextInput label="Subject" required value={topic} onChange={(e) => setTopic(e.currentTarget.value)} error={errors.topic} maxLength={120} />}
        <Textarea label={threadId ? 'Your reply' : 'Message'} required autosize minRows={3} value={text} onChange={(e) => setText(e.currentTarget.value)} error={errors.text} />
        <FileInput
          label="Attachments (optional)"
          aria-label="Attachments (optional)"
          description={`Up to 5 MB each: ${Object.values(ATTACHMENT_TYPES).join(', ')}`}
          multiple
          clearable
          clearButtonProps={{ 'aria-label': 'Remove the attachments' }}
          accept={Object.keys(ATTACHMENT_TYPES).join(',')}
          value={files}
          onChange={setFiles}
          error={errors.files}
        />
        {failure && (
          <Alert color="red" title="The message was not sent">
            {failure}
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={busy}>
            {threadId ? 'Send reply' : 'Send message'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
