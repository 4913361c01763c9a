/**
 * The inbox's "Partner messages" tab: messages from partner organizations and those we sent them,
 * newest first (received or sent, `?box=sent`); one opens beside the list with its text, files and
 * patient, and a reply; "New message" writes to a partner (ComposePartnerMessage.tsx).
 */
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Alert, Anchor, Badge, Button, Card, Center, Grid, Group, Loader, NavLink, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { formatDateTime } from '../../fhir/format.ts';
import { useLoad } from '../../fhir/use-fhir.ts';
import { loadPartners } from '../referrals/referrals-data.ts';
import { ComposePartnerMessage } from './ComposePartnerMessage.tsx';
import { loadPartnerMessages, type PartnerMessage } from './partner-messages.ts';
import '../admin/exchange-admin.css';

function MessageView({ message, onReply }: { message: PartnerMessage; onReply: () => void }) {
  const received = message.direction === 'received';
  return (
    <Card withBorder padding="md" role="region" aria-label={`Message: ${message.topic}`} data-message={message.id}>
      <Stack gap="xs">
        <Title order={2} size="h4">
          {message.topic}
        </Title>
        <Text size="sm" className="muted">
          {received ? `From ${message.partnerName}` : `To ${message.partnerName}${message.author ? `, from ${message.author}` : ''}`} · {formatDateTime(message.sent)}
        </Text>
        {message.patientId && (
          <Text size="sm">
            About{' '}
            <Anchor component={Link} to={`/patients/${message.patientId}/summary`} underline="always">
              {message.patientName ?? 'the patient'}
            </Anchor>
          </Text>
        )}
        <Text size="sm" className="report-text">
          {message.text}
        </Text>
        {message.attachments.map((f, i) => (
          <Anchor key={i} size="sm" underline="always" href={f.data ? `data:${f.contentType ?? 'application/octet-stream'};base64,${f.data}` : f.url} download={f.title ?? 'attachment'}>
            {f.title ?? 'Attachment'}
            {f.size ? ` (${Math.ceil(f.size / 1024)} KB)` : ''}
          </Anchor>
        ))}
        {received && (
          <Group justify="flex-end">
            <Button onClick={onReply}>Reply</Button>
          </Group>
        )}
      </Stack>
    </Card>
  );
}

export function PartnerMessages() {
  const [params, setParams] = useSearchParams();
  const box = params.get('box') === 'sent' ? 'sent' : 'received';
  const open = params.get('message') ?? undefined;
  const [reload, setReload] = useState(0);
  const [composing, setComposing] = useState<{ replyTo: PartnerMessage | undefined }>();
  const [notice, setNotice] = useState<string>();
  const partners = useLoad((c, signal) => loadPartners(c, signal), []);
  const messages = useLoad((c, signal) => loadPartnerMessages(c, partners.data ?? [], signal), [partners.data, reload]);
  const go = (next: { box?: string; message?: string }) => setParams({ view: 'partners', ...(next.box === 'sent' ? { box: 'sent' } : {}), ...(next.message ? { message: next.message } : {}) });

  const error = partners.error ?? messages.error;
  if (error) {
    return (
      <Alert color="red" role="alert" title="Partner messages could not be loaded">
        {error.message}
      </Alert>
    );
  }
  if (!partners.data || !messages.data) {
    return (
      <Center h={200}>
        <Loader role="progressbar" aria-label="Loading partner messages" />
      </Center>
    );
  }
  const shown = messages.data.filter((m) => m.direction === box);
  const opened = messages.data.find((m) => m.id === open);
  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <SegmentedControl
          aria-label="Which partner messages"
          value={box}
          onChange={(v) => go({ box: v })}
          data={[
            { value: 'received', label: 'Received' },
            { value: 'sent', label: 'Sent' },
          ]}
        />
        <Button onClick={() => setComposing({ replyTo: undefined })} disabled={partners.data.every((p) => !p.active)}>
          New message
        </Button>
      </Group>
      <div aria-live="polite" role="status">
        {notice && (
          <Text size="sm" c="green.9">
            {notice}
          </Text>
        )}
      </div>
      <Grid gutter="md">
        <Grid.Col span={{ base: 12, md: 5 }}>
          {shown.length === 0 ? (
            <Text className="muted">{box === 'received' ? 'No messages from partner organizations.' : 'You have not written to a partner organization yet.'}</Text>
          ) : (
            <Stack gap={4} role="list" aria-label={box === 'received' ? 'Messages received from partners' : 'Messages sent to partners'}>
              {shown.map((m) => (
                <div role="listitem" key={m.id}>
                  <NavLink
                    active={m.id === open}
                    data-partner-message={m.id}
                    onClick={() => {
                      setComposing(undefined);
                      go({ box, message: m.id });
                    }}
                    label={
                      <Text size="sm" fw={600}>
                        {m.topic}
                      </Text>
                    }
                    description={`${box === 'received' ? 'From' : 'To'} ${m.partnerName}${m.patientName ? ` · ${m.patientName}` : ''} · ${formatDateTime(m.sent)}`}
                    rightSection={
                      !m.delivered ? (
                        <Badge variant="light" color="red.9" c="red.9">
                          Not delivered
                        </Badge>
                      ) : m.attachments.length > 0 ? (
                        <Badge variant="light" color="gray" c="gray.9">{`${m.attachments.length} file${m.attachments.length === 1 ? '' : 's'}`}</Badge>
                      ) : undefined
                    }
                  />
                </div>
              ))}
            </Stack>
          )}
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          {composing ? (
            <ComposePartnerMessage
              key={composing.replyTo?.id ?? 'new'}
              partners={partners.data}
              replyTo={composing.replyTo}
              onCancel={() => setComposing(undefined)}
              onSent={(text) => {
                setComposing(undefined);
                setNotice(text);
                setReload((n) => n + 1);
              }}
            />
          ) : opened ? (
            <MessageView message={opened} onReply={() => setComposing({ replyTo: opened })} />
          ) : (
            <Text className="muted">Choose a message to read it, or write a new one.</Text>
          )}
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

/** The tab's page: its heading and the messages. */
export function PartnerMessagesInbox() {
  useEffect(() => {
    document.title = 'Partner messages · Continuum';
  }, []);
  return (
    <Stack gap="md" maw={1200}>
      <Stack gap={0}>
        <Title order={1} size="h2">
          Partner messages
        </Title>
        <Text size="sm" className="muted">
          Messages between this organization’s clinicians and partner organizations, with their files.
        </Text>
      </Stack>
      <PartnerMessages />
    </Stack>
  );
}
