/**
 * The activity log: who accessed the record shown, in what role, what they did and when (the
 * server's AuditEvents; its audit search answers newest first, so no `_sort` is sent).
 */
import { Table, Text } from '@mantine/core';
import { useLoad } from '../../fhir/use-fhir.ts';
import { formatDateTime } from '../../fhir/format.ts';
import { usePortal } from '../portal-context.ts';
import { Empty, Failed, Loading, PageTitle, Section } from '../page-parts.tsx';
import { activityRow } from '../activity.ts';

export function Activity() {
  const { patientId } = usePortal();
  const { data, error, loading } = useLoad(
    async (c, signal) => (await c.searchResources('AuditEvent', { patient: `Patient/${patientId}`, _count: '50' }, signal)).map(activityRow),
    [patientId],
  );
  return (
    <>
      <PageTitle title="Activity log" intro="Everyone who opened or changed this record, including you: the latest 50 entries." />
      <Section title="Recent activity" id="activity-list">
        {loading ? <Loading what="the activity log" /> : error ? <Failed what="the activity log" error={error} /> : !data?.length ? <Empty>No activity recorded yet.</Empty> : (
          <div className="table-scroll" role="region" aria-label="Activity entries" tabIndex={0}>
            <Table verticalSpacing="sm" className="activity-table" aria-labelledby="activity-list">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Who</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>What</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.map((r) => (
                  <Table.Tr key={r.id} data-activity={r.what}>
                    <Table.Td className="nowrap">{formatDateTime(r.when)}</Table.Td>
                    <Table.Td>
                      <Text fw={600} size="sm">{r.who}</Text>
                    </Table.Td>
                    <Table.Td>{r.role}</Table.Td>
                    <Table.Td>
                      {r.what}
                      {r.problem ? ` (${r.problem})` : ''}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </div>
        )}
      </Section>
    </>
  );
}
