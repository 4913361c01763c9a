/**
 * The rows of the notes list: notes written here (Compositions) and clinical documents from
 * elsewhere (DocumentReferences, e.g. notes of earlier visits brought in from another system),
 * newest first, each with the page it opens. A document's page id is `doc-` and its id (a
 * Composition id never starts so). Filters go by type and author. It does no I/O.
 */
import type { Composition, DocumentReference } from '@medplum/fhirtypes';
import { conceptText, refText } from '../../fhir/format.ts';
import { statusLabel } from './composition.ts';

export const DOCUMENT_PREFIX = 'doc-';

export interface NoteRow {
  /** The note's page: `/patients/:id/notes/<page>`. */
  page: string;
  date: string | undefined;
  title: string;
  type: string;
  author: string;
  status: string;
}

export function documentStatus(d: DocumentReference): string {
  if (d.status === 'entered-in-error') return 'Entered in error';
  if (d.status === 'superseded') return 'Superseded';
  if (d.docStatus === 'preliminary') return 'Draft';
  if (d.docStatus === 'amended') return 'Amended';
  return 'Signed';
}

export const documentTitle = (d: DocumentReference): string => d.description ?? d.content[0]?.attachment.title ?? conceptText(d.type);

export function noteRows(compositions: readonly Composition[], documents: readonly DocumentReference[]): NoteRow[] {
  const superseded = new Set(compositions.filter((n) => n.status === 'final' || n.status === 'amended').flatMap((n) => (n.relatesTo ?? []).filter((r) => r.code === 'replaces').map((r) => r.targetReference?.reference)));
  const rows: NoteRow[] = [
    ...compositions.map((c) => ({
      page: c.id ?? '',
      date: c.date,
      title: c.title,
      type: conceptText(c.type),
      author: refText(c.author[0]) ?? 'Unknown',
      status: superseded.has(`Composition/${c.id ?? ''}`) ? statusLabel(c, c) : statusLabel(c),
    })),
    ...documents.map((d) => ({
      page: `${DOCUMENT_PREFIX}${d.id ?? ''}`,
      date: d.date,
      title: documentTitle(d),
      type: conceptText(d.type),
      author: refText(d.author?.[0]) ?? 'Unknown',
      status: documentStatus(d),
    })),
  ];
  return rows.sort((a, b) => Date.parse(b.date ?? '') - Date.parse(a.date ?? '') || 0);
}

/** The page of a note (`Composition/id` or `DocumentReference/id`) in the chart, else undefined. */
export function notePagePath(patientId: string, ref: string): string | undefined {
  const [type, id] = ref.split('/');
  if (!id) return undefined;
  if (type === 'Composition') return `/patients/${patientId}/notes/${id}`;
  if (type === 'DocumentReference') return `/patients/${patientId}/notes/${DOCUMENT_PREFIX}${id}`;
  return undefined;
}
