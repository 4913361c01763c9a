/**
 * The pieces every portal page is built from: its title, a card section, the loading, empty and
 * error states (in words a patient understands), and the "From <source>" badge on data another
 * organization sent. A card whose operation the server does not offer (404) is hidden rather
 * than shown as an error: the portal works on servers without every module.
 */
import type { ReactNode } from 'react';
import type { Resource } from '@medplum/fhirtypes';
import { Alert, Badge, Card, Center, Loader, Stack, Text, Title } from '@mantine/core';
import { FhirError } from '../fhir/client.ts';
import { foreignSource } from './data-source.ts';

export function PageTitle({ title, intro }: { title: string; intro?: ReactNode }) {
  return (
    <Stack gap={4} mb="lg">
      <Title order={1} className="page-title">
        {title}
      </Title>
      {intro && <Text className="muted">{intro}</Text>}
    </Stack>
  );
}

/** A card with a heading (h2), for one part of a page. */
export function Section({ title, id, action, children }: { title: string; id: string; action?: ReactNode; children: ReactNode }) {
  return (
    <Card component="section" aria-labelledby={id} className="portal-card" padding="lg" data-section={id}>
      <div className="card-head">
        <Title order={2} size="h4" id={id}>
          {title}
        </Title>
        {action}
      </div>
      {children}
    </Card>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <Center py="lg">
      <Loader role="progressbar" size="sm" aria-label={`Loading ${what}`} />
    </Center>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <Text className="muted empty">{children}</Text>;
}

export function Failed({ what, error }: { what: string; error: Error }) {
  return (
    <Alert color="red" title={`We could not load ${what}`} role="alert">
      {error.message}. Please try again later.
    </Alert>
  );
}

/** True when the server does not offer the operation (or the record): the card is left out. */
export function isMissing(error: Error | undefined): boolean {
  return error instanceof FhirError && error.status === 404;
}

/** "From St Mary's" on data another organization sent (see data-source.ts). */
export function SourceBadge({ resource }: { resource: Resource }) {
  const source = foreignSource(resource, window.location.origin);
  if (!source) return null;
  return (
    <Badge variant="light" color="grape" size="sm" className="source-badge" data-source={source}>
      From {source}
    </Badge>
  );
}
