/**
 * A clinical document from elsewhere (a DocumentReference, e.g. a note of an earlier visit) at
 * /patients/:id/notes/doc-<id>, read-only: its type, author, date, status and, when the content
 * is plain text carried in the resource, that text. Other content is named, not rendered.
 */
import { Alert, Card, Center, Group, Loader, Stack, Text, Title } from '@mantine/core';
import type { Attachment } from '@medplum/fhirtypes';
import { useLoad } from '../../fhir/use-fhir.ts';
import { conceptText, formatDateTime, refText } from '../../fhir/format.ts';
import { documentStatus, documentTitle } from './note-rows.ts';
import { StatusBadge } from './NoteParts.tsx';
import './documentation.css';

/** The attachment's text when it is plain text inline, else undefined. */
export function attachmentText(a: Attachment | undefined): string | undefined {
  if (!a?.data || !(a.contentType ?? '').startsWith('text/plain')) return undefined;
  try {
    const bytes = Uint8Array.from(atob(a.data), (c) => c.charCodeAt(0));
    return new TextDecoder('utf-8').decode(bytes);
  } catch {
    return undefined;
  }
}

export function DocumentView({ documentId }: { documentId: string }) {
  const { data, error } = useLoad((client, signal) => client.read('DocumentReference', documentId, signal), [documentId]);
  if (error) {
    return (
      <Alert color="red" role="alert" title="The document could not be opened">
        {error.message}
      </Alert>
    );
  }
  if (!data) {
    return (
      <Center h={200}>
        <Loader role="progressbar" aria-label="Loading the document" />
      </Center>
    );
  }
  const attachment = data.content[0]?.attachment;
  const text = attachmentText(attachment);
  return (
    <Card withBorder padding="lg" component="article" aria-labelledby="note-title" className="note-card">
      <Stack gap="md">
        <div>
          <Group gap="xs">
            <Title order={2} size="h3" id="note-title">
              {documentTitle(data)}
            </Title>
            <StatusBadge label={documentStatus(data)} />
          </Group>
          <Text size="sm" className="muted">
            {conceptText(data.type)} · {refText(data.author?.[0]) ?? 'Unknown author'} · {formatDateTime(data.date)}
          </Text>
        </div>
        {text !== undefined ? (
          <Text size="sm" className="note-text">
            {text}
          </Text>
        ) : (
          <Text size="sm" className="muted">
            This document’s content ({attachment?.contentType ?? 'unknown type'}) cannot be shown here.
          </Text>
        )}
      </Stack>
    </Card>
  );
}
