/** Every document released to the patient (visit notes, letters, scanned forms), newest first, to read or save. */
import { Group, Text } from '@mantine/core';
import { useLoad } from '../../fhir/use-fhir.ts';
import { formatDate } from '../../fhir/format.ts';
import { usePortal } from '../portal-context.ts';
import { Empty, Failed, Loading, PageTitle, Section, SourceBadge } from '../page-parts.tsx';
import { documentTitle, loadReleasedDocuments } from '../documents-data.ts';
import { OpenDocument } from '../DocumentView.tsx';

export function Documents() {
  const { patientId } = usePortal();
  const { data, error, loading } = useLoad((c, signal) => loadReleasedDocuments(c, patientId, signal), [patientId]);
  return (
    <>
      <PageTitle title="Documents" intro="Notes, letters and other documents in your record." />
      <Section title="Your documents" id="documents-list">
        {loading ? <Loading what="documents" /> : error ? <Failed what="documents" error={error} /> : !data?.length ? <Empty>No documents yet.</Empty> : (
          <ul className="entry-list">
            {data.map((d) => (
              <li key={d.id} className="list-row">
                <div>
                  <Text fw={600}>{documentTitle(d)}</Text>
                  <Text size="sm" className="muted">
                    {formatDate(d.date)}
                    {d.author?.[0]?.display ? ` · ${d.author[0].display}` : ''}
                  </Text>
                </div>
                <Group gap={6} wrap="nowrap">
                  <SourceBadge resource={d} />
                  <OpenDocument doc={d} label="Open" />
                </Group>
              </li>
            ))}
          </ul>
        )}
      </Section>
    </>
  );
}
