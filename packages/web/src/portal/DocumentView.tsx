/**
 * Opening a document: a text note in a readable dialog (large type, its lines kept), or any
 * other attachment saved as a file. Shared by the visits and documents pages.
 */
import { useState } from 'react';
import type { DocumentReference } from '@medplum/fhirtypes';
import { Button, Modal, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { formatDate } from '../fhir/format.ts';
import { base64Bytes, base64Text, saveFile } from './download.ts';
import { documentTitle, isText, mainAttachment } from './documents-data.ts';

export function OpenDocument({ doc, label = 'Read' }: { doc: DocumentReference; label?: string }) {
  const [open, setOpen] = useState(false);
  const phone = useMediaQuery('(max-width: 47.99em)');
  const attachment = mainAttachment(doc);
  if (!attachment?.data) return null;
  const data = attachment.data;
  const title = documentTitle(doc);
  if (!isText(attachment)) {
    const save = () => saveFile(new Blob([base64Bytes(data)], { type: attachment.contentType ?? 'application/octet-stream' }), attachment.title ?? `${title}`);
    return (
      <Button size="sm" variant="light" onClick={save} aria-label={`Download ${title}`}>
        Download
      </Button>
    );
  }
  return (
    <>
      <Button size="sm" variant="light" onClick={() => setOpen(true)} aria-label={`${label} ${title}`}>
        {label}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={title} size="lg" fullScreen={phone}>
        <Text size="sm" className="muted" mb="sm">
          {formatDate(doc.date ?? attachment.creation)}
          {doc.author?.[0]?.display ? ` · ${doc.author[0].display}` : ''}
        </Text>
        <div className="note-text" data-testid="note-text">
          {base64Text(data)}
        </div>
      </Modal>
    </>
  );
}
