/**
 * The activity log: who accessed the record shown, in what role, what they did and when (the
 * server's AuditEvents; its audit search answers newest first, so no `_sort` is sent).
 */
import { Table, Text } from '@mantine/core';
import type { AuditEvent } from '@medplum/fhirtypes';
import type { FhirClient } from '../../fhir/client.ts';
import { useLoad } from '../../fhir/use-fhir.ts';
import { formatDateTime, humanName } from '../../fhir/format.ts';
import { usePortal } from '../portal-context.ts';
import { Empty, Failed, Loading, PageTitle, Section } from '../page-parts.tsx';
import { activityRow } from '../activity.ts';

/**
 * The names of the staff in these events (`Practitioner/1` → "Ana Ruiz"), in one search. Without
 * them (the search failed) the log still shows, with usernames.
 */
async function staffNames(client: FhirClient, events: readonly AuditEvent[], signal: AbortSignal): Promise<Map<string, string>> {
  const ids = [...new Set(events.flatMap((e) => e.agent.map((a) => a.who?.reference ?? '')).filter((r) => r.startsWith('Practitioner/')).map((r) => r.slice('Practitioner/'.length)))];
  if (ids.length === 0) return new Map();
  try {
    const found = await client.searchResources('Practitioner', { _id: ids.join(','), _count: String(ids.length) }, signal);
    return new Map(found.map((p) => [`Practitioner/${p.id ?? ''}`, humanName(p.name)]));
  } catch {
    return new Map();
  }
}

export function Activity() {
  const { patientId, fhirUser } = usePortal();
  const { data, error, loading } = useLoad(
    async (c, signal) => {
      const events = await c.searchResources('AuditEvent', { patient: `Patient/${patientId}`, _count: '50' }, signal);
      const names = await staffNames(c, events, signal);
      return events.map((e) => activityRow(e, names, fhirUser));
    },
    [patientId, fhirUser],
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
