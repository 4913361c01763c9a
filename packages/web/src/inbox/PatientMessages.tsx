/**
 * The patient messages part of the clinician's inbox: the portal message threads addressed to me,
 * unread first, each with its patient, subject, last message and time; choosing one opens it
 * beside the list (MessageThread.tsx), its id kept in the address (`?thread=`) so it can be linked.
 */
import { useCallback, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Alert, Badge, Center, Grid, Loader, NavLink, Stack, Text } from '@mantine/core';
import { formatDateTime } from '../fhir/format.ts';
import { useLoad } from '../fhir/use-fhir.ts';
import { loadThreads } from './messages-data.ts';
import { MessageThread } from './MessageThread.tsx';

export function PatientMessages({ me }: { me: string }) {
  const [params, setParams] = useSearchParams();
  const [reload, setReload] = useState(0);
  const threads = useLoad((c, signal) => loadThreads(c, me, signal), [me, reload]);
  const open = params.get('thread') ?? undefined;
  const changed = useCallback(() => setReload((n) => n + 1), []);

  if (threads.error) {
    return (
      <Alert color="red" role="alert" title="Your messages could not be loaded">
        {threads.error.message}
      </Alert>
    );
  }
  if (!threads.data) {
    return (
      <Center h={200}>
        <Loader role="progressbar" aria-label="Loading your messages" />
      </Center>
    );
  }
  return (
    <Grid gutter="md">
      <Grid.Col span={{ base: 12, md: 5 }}>
        {threads.data.length === 0 ? (
          <Text className="muted">No patient messages. Messages patients send you from the portal appear here.</Text>
        ) : (
          <Stack gap={4} role="list" aria-label="Patient message threads">
            {threads.data.map((t) => (
              <div role="listitem" key={t.rootId}>
                <NavLink
                  active={t.rootId === open}
                  data-thread={t.rootId}
                  data-unread={t.unread > 0}
                  onClick={() => setParams({ view: 'messages', thread: t.rootId })}
                  label={
                    <Text size="sm" fw={t.unread > 0 ? 700 : 500}>
                      {t.topic}
                    </Text>
                  }
                  description={`${t.patientName ?? 'Patient'} · ${formatDateTime(t.latest.sent)}`}
                  rightSection={t.unread > 0 ? <Badge color="blue.9">{t.unread} unread</Badge> : undefined}
                />
              </div>
            ))}
          </Stack>
        )}
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 7 }}>{open ? <MessageThread key={open} rootId={open} me={me} onChanged={changed} /> : <Text className="muted">Choose a conversation to read it and reply.</Text>}</Grid.Col>
    </Grid>
  );
}
