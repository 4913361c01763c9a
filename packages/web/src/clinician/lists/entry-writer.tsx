/**
 * Saving a list entry, the one way every list writes: create, or update with the version that
 * was opened (`If-Match`), then a Provenance naming the new version and its author. When someone
 * else changed the entry in between, the server refuses (412) and nothing is overwritten: the
 * conflict dialog says what they changed and offers to reload. Other failures are thrown for
 * the form to show.
 */
import { useState, type ReactNode } from 'react';
import { Alert, Button, Group, List, Modal, Stack, Text } from '@mantine/core';
import type { AllergyIntolerance, Condition, Immunization, MedicationStatement } from '@medplum/fhirtypes';
import { FhirError } from '../../fhir/client.ts';
import { useFhir } from '../../fhir/use-fhir.ts';
import type { Me } from './coding.ts';
import { provenanceFor } from './provenance.ts';
import { changes, describeChange, type FieldChange, type FieldSpec } from './versions.ts';

export type ListResource = AllergyIntolerance | Condition | MedicationStatement | Immunization;

interface Conflict {
  changes: FieldChange[];
  gone: boolean;
  onReload?: () => void;
}

export interface EntryWriter<R extends ListResource> {
  /** Stores `next`; `opened` is the version the user started from. Undefined when it conflicted. */
  save: (next: R, opened?: R, onReload?: () => void) => Promise<R | undefined>;
  dialog: ReactNode;
}

export function useEntryWriter<R extends ListResource>(noun: string, fields: readonly FieldSpec<R>[], me: Me | undefined, onSaved: () => void): EntryWriter<R> {
  const client = useFhir();
  const [conflict, setConflict] = useState<Conflict>();

  const save = async (next: R, opened?: R, onReload?: () => void): Promise<R | undefined> => {
    let stored: R;
    try {
      stored = (next.id ? await client.update(next) : await client.create(next)) as R;
    } catch (err) {
      if (!(err instanceof FhirError && err.conflict && opened?.id)) throw err;
      const current = await client.read(opened.resourceType, opened.id).catch(() => undefined);
      setConflict({ changes: current ? changes(fields, opened, current as R) : [], gone: !current, ...(onReload ? { onReload } : {}) });
      return undefined;
    }
    if (me) {
      // The entry is saved; a missing Provenance only leaves "who" unknown in its history.
      await client.create(provenanceFor(stored, next.id ? 'UPDATE' : 'CREATE', me)).catch(() => undefined);
    }
    onSaved();
    return stored;
  };

  const reload = () => {
    conflict?.onReload?.();
    setConflict(undefined);
    onSaved();
  };

  const dialog = (
    <Modal opened={conflict !== undefined} onClose={reload} title={`This ${noun} was changed by someone else`} size="lg" centered zIndex={400}>
      {conflict && (
        <Stack gap="sm">
          <Alert color="orange" variant="light" role="alert" title={`This ${noun} was changed by someone else since you opened it`}>
            Your changes were not saved, so nothing of theirs was overwritten. Reload to see the current {noun}, then make your change again.
          </Alert>
          {conflict.gone ? (
            <Text size="sm">It has since been deleted.</Text>
          ) : conflict.changes.length > 0 ? (
            <div>
              <Text size="sm" fw={600}>
                What they changed
              </Text>
              <List size="sm" spacing={2} aria-label="What they changed">
                {conflict.changes.map((c) => (
                  <List.Item key={c.label}>{describeChange(c)}</List.Item>
                ))}
              </List>
            </div>
          ) : (
            <Text size="sm">They saved a new version without changing what this list shows.</Text>
          )}
          <Group justify="flex-end">
            <Button onClick={reload}>Reload</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
  return { save, dialog };
}
