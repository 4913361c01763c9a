/**
 * The frame of one list tab: its heading with the Add button, then the table, or a loader, or
 * what went wrong (a role that may not read the list is told so, not shown an empty list).
 */
import type { ReactNode } from 'react';
import { Alert, Button, Card, Center, Group, Loader, Title } from '@mantine/core';
import { FhirError } from '../../fhir/client.ts';
import './lists.css';

export interface ListTabProps {
  patientId: string;
  /** Called after every write, so the chart (banner, summary) reloads what it shows. */
  onChanged: () => void;
}

export function ListFrame({ title, addLabel, onAdd, error, loading, children }: { title: string; addLabel: string; onAdd: () => void; error: Error | undefined; loading: boolean; children: ReactNode }) {
  const denied = error instanceof FhirError && error.status === 403;
  return (
    <Card withBorder padding="md" component="section" aria-label={title}>
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h3">
          {title}
        </Title>
        {!denied && <Button onClick={onAdd}>{addLabel}</Button>}
      </Group>
      {error ? (
        <Alert color={denied ? 'gray' : 'red'} role="alert" title={denied ? 'Not available to your role' : 'The list could not be loaded'}>
          {denied ? 'Your role may not see this part of the chart.' : error.message}
        </Alert>
      ) : loading ? (
        <Center h={120}>
          <Loader role="progressbar" aria-label={`Loading ${title.toLowerCase()}`} />
        </Center>
      ) : (
        children
      )}
    </Card>
  );
}
