/**
 * The documents a patient sees: DocumentReferences that are `current` and released (`docStatus`
 * final or amended: a draft note stays with the clinician), newest first, and how one opens:
 * text is shown in the page, anything else is saved as a file.
 */
import type { Attachment, DocumentReference } from '@medplum/fhirtypes';
import type { FhirClient } from '../fhir/client.ts';

export async function loadReleasedDocuments(client: FhirClient, patientId: string, signal?: AbortSignal): Promise<DocumentReference[]> {
  const docs = await client.searchResources('DocumentReference', { patient: `Patient/${patientId}`, status: 'current', _sort: '-date', _count: '200' }, signal);
  return docs.filter((d) => d.docStatus === 'final' || d.docStatus === 'amended');
}

/** The first attachment with inline data, the one the portal opens. */
export const mainAttachment = (d: DocumentReference): Attachment | undefined => d.content.find((c) => c.attachment.data)?.attachment;

export const isText = (a: Attachment | undefined): boolean => Boolean(a?.contentType?.startsWith('text/'));

/** The document's title: its description, its type ("Progress note"), or its attachment's title. */
export const documentTitle = (d: DocumentReference): string => d.description ?? d.type?.text ?? d.type?.coding?.find((c) => c.display)?.display ?? mainAttachment(d)?.title ?? 'Document';
