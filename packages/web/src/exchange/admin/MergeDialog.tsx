/**
 * Merging a pair of patients: choose the record to keep, see what would move to it (a `$merge`
 * preview: counts per kind of resource), then confirm. The other record becomes inactive and
 * points to the kept one; nothing is deleted, and the merge can be undone.
 */
import { useEffect, useState } from 'react';
import { Alert, Button, Center, Group, List, Loader, Modal, Radio, Stack, Text } from '@mantine/core';
import type { Parameters } from '@medplum/fhirtypes';
import { errorMessage } from '../../fhir/client.ts';
import { useFhir } from '../../fhir/use-fhir.ts';
import { previewCounts, previewTotal, type MoveCount, type PairView } from './duplicates-model.ts';

const mergeParameters = (source: string, target: string, preview: boolean) => [
  { name: 'source-patient', valueReference: { reference: `Patient/${source}` } },
  { name: 'target-patient', valueReference: { reference: `Patient/${target}` } },
  { name: 'preview', valueBoolean: preview },
];

export function MergeDialog({ pair, onCancel, onMerged }: { pair: PairView; onCancel: () => void; onMerged: (notice: string) => void }) {
  const client = useFhir();
  const [keep, setKeep] = useState<string>(pair.a.id);
  const [preview, setPreview] = useState<{ keep: string; counts: MoveCount[]; total: number }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const kept = keep === pair.a.id ? pair.a : pair.b;
  const merged = keep === pair.a.id ? pair.b : pair.a;

  useEffect(() => {
    let live = true;
    setPreview(undefined);
    setError(undefined);
    client.operation<Parameters>('Patient/$merge', mergeParameters(merged.id, kept.id, true)).then(
      (answer) => {
        const counts = previewCounts(answer);
        if (live) setPreview({ keep: kept.id, counts, total: previewTotal(answer, counts) });
      },
      (err: unknown) => live && setError(errorMessage(err)),
    );
    return () => {
      live = false;
    };
  }, [client, kept.id, merged.id]);

  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await client.operation<Parameters>('Patient/$merge', mergeParameters(merged.id, kept.id, false));
      onMerged(`${merged.name} (Patient ${merged.id}) is merged into ${kept.name} (Patient ${kept.id}).`);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <Modal opened onClose={onCancel} title="Merge two patient records" centered size="lg">
      <Stack gap="sm">
        <Radio.Group label="Which record is kept?" value={keep} onChange={setKeep}>
          <Stack gap={6} mt={6}>
            {[pair.a, pair.b].map((s) => (
              <Radio key={s.id} value={s.id} label={`${s.name}, born ${s.birthDate} (Patient ${s.id}${s.identifiers[0] ? `, ${s.identifiers[0]}` : ''})`} />
            ))}
          </Stack>
        </Radio.Group>
        <div role="status" aria-live="polite" data-preview={preview?.keep === kept.id ? 'ready' : 'loading'}>
          {preview?.keep === kept.id ? (
            <Stack gap={4}>
              <Text size="sm" fw={600}>
                {preview.total === 0 ? `Nothing else refers to ${merged.name}; only the records are linked.` : `${preview.total} resource${preview.total === 1 ? '' : 's'} move from ${merged.name} to ${kept.name}:`}
              </Text>
              {preview.counts.length > 0 && (
                <List size="sm" aria-label="What moves">
                  {preview.counts.map((c) => (
                    <List.Item key={c.label}>
                      {c.label}: {c.count}
                    </List.Item>
                  ))}
                </List>
              )}
              <Text size="xs" className="muted">
                {merged.name}’s record becomes inactive and points to the kept one. The merge can be undone from this page.
              </Text>
            </Stack>
          ) : (
            !error && (
              <Center h={60}>
                <Loader size="sm" role="progressbar" aria-label="Working out what would move" />
              </Center>
            )
          )}
        </div>
        {error && (
          <Alert color="red" role="alert" title="The merge could not be prepared">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button color="red.9" loading={busy} disabled={preview?.keep !== kept.id} onClick={() => void confirm()}>
            Merge into {kept.name}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
