/**
 * Past and current visits (Encounters, newest first) with the notes released from each (final
 * DocumentReferences whose `context.encounter` is the visit), opened in a readable view.
 */
import type { DocumentReference, Encounter } from '@medplum/fhirtypes';
import { Group, Stack, Text } from '@mantine/core';
import { useLoad } from '../../fhir/use-fhir.ts';
import { conceptText, formatDate } from '../../fhir/format.ts';
import { usePortal } from '../portal-context.ts';
import { Empty, Failed, Loading, PageTitle, Section, SourceBadge } from '../page-parts.tsx';
import { documentTitle, loadReleasedDocuments } from '../documents-data.ts';
import { OpenDocument } from '../DocumentView.tsx';

const visitName = (e: Encounter): string => (e.type?.[0] ? conceptText(e.type[0]) : e.class.display ?? 'Visit');

export function Visits() {
  const { patientId } = usePortal();
  const { data, error, loading } = useLoad(
    async (c, signal) => {
      const [encounters, docs] = await Promise.all([
        c.searchResources('Encounter', { patient: `Patient/${patientId}`, _sort: '-date', _count: '50' }, signal),
        loadReleasedDocuments(c, patientId, signal),
      ]);
      const notes = new Map<string, DocumentReference[]>();
      for (const d of docs) {
        for (const ref of d.context?.encounter ?? []) notes.set(ref.reference ?? '', [...(notes.get(ref.reference ?? '') ?? []), d]);
      }
      return encounters.filter((e) => e.status !== 'entered-in-error' && e.status !== 'cancelled').map((e) => ({ encounter: e, notes: notes.get(`Encounter/${e.id}`) ?? [] }));
    },
    [patientId],
  );
  return (
    <>
      <PageTitle title="Visits & notes" intro="Your visits, newest first, with the notes your care team shared." />
      <Section title="Visits" id="visits-list">
        {loading ? <Loading what="visits" /> : error ? <Failed what="visits" error={error} /> : !data?.length ? <Empty>No visits yet.</Empty> : (
          <ul className="entry-list">
            {data.map(({ encounter, notes }) => (
              <li key={encounter.id} className="list-row visit-row" data-visit={encounter.id}>
                <div>
                  <Text fw={600}>{visitName(encounter)}</Text>
                  <Text size="sm" className="muted">
                    {formatDate(encounter.period?.start)}
                    {encounter.participant?.[0]?.individual?.display ? ` · ${encounter.participant[0].individual.display}` : ''}
                  </Text>
                  {encounter.reasonCode?.[0] && <Text size="sm">Reason: {conceptText(encounter.reasonCode[0])}</Text>}
                  <SourceBadge resource={encounter} />
                </div>
                <Stack gap={6} align="flex-end">
                  {notes.length === 0 ? (
                    <Text size="sm" className="muted">No note shared</Text>
                  ) : (
                    notes.map((n) => (
                      <Group key={n.id} gap={6} wrap="nowrap">
                        <Text size="sm" className="note-name">{documentTitle(n)}</Text>
                        <OpenDocument doc={n} />
                      </Group>
                    ))
                  )}
                </Stack>
              </li>
            ))}
          </ul>
        )}
      </Section>
    </>
  );
}
