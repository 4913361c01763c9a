/**
 * An entry's change history in a side drawer: every version, newest first, with its number,
 * when it was saved, who saved it (from Provenance, see provenance.ts) and what it changed from
 * the version before, field by field in words. The first version lists what was recorded.
 */
import { Alert, Badge, Center, Drawer, Group, List, Loader, Stack, Text } from '@mantine/core';
import type { Provenance } from '@medplum/fhirtypes';
import { FhirError } from '../../fhir/client.ts';
import { formatDateTime } from '../../fhir/format.ts';
import { useLoad } from '../../fhir/use-fhir.ts';
import type { ListResource } from './entry-writer.tsx';
import { authorOf, authorsByVersion } from './provenance.ts';
import { describeChange, versionEntries, type FieldSpec } from './versions.ts';

export function HistoryDrawer<R extends ListResource>({ entry, name, fields, onClose }: { entry: R | undefined; name: string; fields: readonly FieldSpec<R>[]; onClose: () => void }) {
  const type = entry?.resourceType;
  const id = entry?.id;
  const { data, error, loading } = useLoad(async (client, signal) => {
    if (!type || !id) return undefined;
    const [versions, provenances] = await Promise.all([
      client.history(type, id, signal) as Promise<R[]>,
      client.searchResources('Provenance', { target: `${type}/${id}`, _count: '200' }, signal).catch((err: unknown) => {
        if (err instanceof FhirError && err.status === 403) return [] as Provenance[];
        throw err;
      }),
    ]);
    return { versions: versionEntries(fields, versions), authors: authorsByVersion(provenances, type, id) };
  }, [type, id]);

  return (
    <Drawer opened={entry !== undefined} onClose={onClose} position="right" size="lg" title={<Text fw={650}>History: {name}</Text>}>
      {error ? (
        <Alert color="red" role="alert" title="The history could not be loaded">
          {error.message}
        </Alert>
      ) : loading || !data ? (
        <Center h={120}>
          <Loader role="progressbar" aria-label="Loading the history" />
        </Center>
      ) : (
        <Stack gap="lg" component="ol" aria-label="Versions" p={0} m={0} className="history-list">
          {data.versions.map((v, i) => {
            const first = i === data.versions.length - 1;
            const who = authorOf(data.authors, v.versionId, first, v.resource as Parameters<typeof authorOf>[3]);
            return (
              <li key={v.versionId} className="history-version" aria-label={`Version ${v.versionId}`}>
                <Group gap="xs" mb={4}>
                  <Badge variant="light" color="continuum" tt="none" radius="sm">
                    Version {v.versionId}
                  </Badge>
                  <Text size="sm" fw={600}>
                    {first ? 'Recorded' : 'Changed'} {formatDateTime(v.lastUpdated)}
                  </Text>
                  <Text size="sm">by {who ?? 'someone not recorded'}</Text>
                </Group>
                {v.changes.length === 0 ? (
                  <Text size="sm" className="muted">
                    No change to what this list shows
                  </Text>
                ) : (
                  <List size="sm" spacing={2}>
                    {v.changes.map((c) => (
                      <List.Item key={c.label}>{describeChange(c)}</List.Item>
                    ))}
                  </List>
                )}
              </li>
            );
          })}
        </Stack>
      )}
    </Drawer>
  );
}
