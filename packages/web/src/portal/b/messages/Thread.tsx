/**
 * /portal/messages/:threadId: one conversation, oldest first, the patient's own messages on the
 * right with their read receipts ("Read 10:42"), attachments as downloads, and a reply box.
 * Opening the thread marks the messages addressed to the patient read (`$mark-read`), which is
 * what gives the care team their receipt.
 */
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Anchor, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import type { Communication } from '@medplum/fhirtypes';
import { formatDateTime } from '../../../fhir/format.ts';
import { useFhir, useLoad } from '../../../fhir/use-fhir.ts';
import { usePortal } from '../../portal-context.ts';
import { portalLink } from '../links.ts';
import { refName, type Names } from '../names.ts';
import { LoadedView, PortalPage } from '../PortalPage.tsx';
import { downloadAttachment } from './attachment-file.ts';
import { loadMessages } from './load-messages.ts';
import { MessageComposer } from './MessageComposer.tsx';
import { buildThreads, fileSize, isFromMe, isUnread, meOf, messageText, readReceipt, type Me } from './threads.ts';

function MessageBubble({ message, me, names }: { message: Communication; me: Me; names: Names }) {
  const mine = isFromMe(message, me);
  const receipt = readReceipt(message, me, new Date());
  const attachments = (message.payload ?? []).flatMap((p) => (p.contentAttachment ? [p.contentAttachment] : []));
  return (
    <>
      <article className={`pb-bubble${mine ? ' pb-bubble-mine' : ''}`} aria-label={`${mine ? 'You' : refName(message.sender, names, 'Your care team')}, ${formatDateTime(message.sent)}`} data-message={message.id}>
        <Text size="sm" fw={600}>
          {mine ? 'You' : refName(message.sender, names, 'Your care team')} · {formatDateTime(message.sent)}
        </Text>
        <Text>{messageText(message)}</Text>
        {attachments.map((a, i) => (
          <Button key={i} variant="subtle" size="compact-sm" onClick={() => downloadAttachment(a)}>
            {a.title ?? 'Attachment'}
            {a.size !== undefined && ` (${fileSize(a.size)})`}
          </Button>
        ))}
      </article>
      {mine && <span className="pb-receipt">{receipt ?? 'Sent'}</span>}
    </>
  );
}

function Conversation({ initial, names, threadId }: { initial: Communication[]; names: Names; threadId: string }) {
  const client = useFhir();
  const { patientId, fhirUser } = usePortal();
  const me = meOf(fhirUser, patientId);
  const [messages, setMessages] = useState(initial);
  const thread = buildThreads(messages, me).find((t) => t.id === threadId);

  useEffect(() => {
    const unread = initial.filter((m) => isUnread(m, me));
    let active = true;
    void Promise.all(unread.map((m) => client.operation<Communication>(`Communication/${m.id}/$mark-read`).catch(() => m))).then((read) => {
      if (active && read.length > 0) setMessages((list) => list.map((m) => read.find((r) => r.id === m.id) ?? m));
    });
    return () => {
      active = false;
    };
  }, [initial]); // eslint-disable-line react-hooks/exhaustive-deps

  if (!thread) return <Text role="alert">This conversation was not found.</Text>;
  return (
    <Stack gap="md">
      <Title order={2} size="h3">
        {thread.topic}
      </Title>
      <Stack gap={6} role="log" aria-label="Messages in this conversation">
        {thread.messages.map((m) => (
          <MessageBubble key={m.id} message={m} me={me} names={names} />
        ))}
      </Stack>
      <Card withBorder padding="md">
        <MessageComposer threadId={thread.id} onSent={(m) => setMessages((list) => [...list, m])} />
      </Card>
    </Stack>
  );
}

export function Thread() {
  const { threadId = '' } = useParams();
  const { patientId } = usePortal();
  const state = useLoad((client, signal) => loadMessages(client, patientId, signal), [patientId, threadId]);
  return (
    <PortalPage title="Conversation">
      <Group>
        <Anchor component={Link} to={portalLink('messages')}>
          ← All messages
        </Anchor>
      </Group>
      <LoadedView state={state} what="this conversation">
        {(data) => <Conversation key={threadId} initial={data.messages} names={data.names} threadId={threadId} />}
      </LoadedView>
    </PortalPage>
  );
}
