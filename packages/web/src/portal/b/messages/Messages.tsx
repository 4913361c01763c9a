/**
 * /portal/messages: the patient's conversations with the care team, the most recent first,
 * unread ones in bold with a count, and "New message" to start a thread (to the PCP or a care
 * team member, with a subject, text and attachments). Sending opens the new thread.
 */
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Badge, Button, Card, Group, Text, Title } from '@mantine/core';
import { formatDateTime } from '../../../fhir/format.ts';
import { useLoad } from '../../../fhir/use-fhir.ts';
import { usePortal } from '../../portal-context.ts';
import { portalLink } from '../links.ts';
import { refName } from '../names.ts';
import { LoadedView, PortalPage } from '../PortalPage.tsx';
import { loadMessages, loadRecipients } from './load-messages.ts';
import { MessageComposer } from './MessageComposer.tsx';
import { buildThreads, isFromMe, meOf, messageText } from './threads.ts';

function NewMessage() {
  const { patientId } = usePortal();
  const navigate = useNavigate();
  const recipients = useLoad((client, signal) => loadRecipients(client, patientId, signal), [patientId]);
  return (
    <Card withBorder padding="md">
      <Title order={2} size="h3" mb="sm">
        New message
      </Title>
      <LoadedView state={recipients} what="your care team">
        {(list) => (list.length === 0 ? <Text>You have no care team member to write to yet. Please call the clinic.</Text> : <MessageComposer recipients={list} onSent={(m) => navigate(portalLink(`messages/${m.id}`))} />)}
      </LoadedView>
    </Card>
  );
}

export function Messages() {
  const { patientId, fhirUser } = usePortal();
  const [composing, setComposing] = useState(false);
  const state = useLoad((client, signal) => loadMessages(client, patientId, signal), [patientId]);
  const me = meOf(fhirUser, patientId);
  return (
    <PortalPage title="Messages">
      <Group>
        <Button onClick={() => setComposing((c) => !c)} aria-expanded={composing}>
          New message
        </Button>
      </Group>
      {composing && <NewMessage />}
      <LoadedView state={state} what="your messages">
        {({ messages, names }) => {
          const threads = buildThreads(messages, me);
          if (threads.length === 0) return <Text>No messages yet.</Text>;
          return (
            <ul aria-label="Conversations" className="pb-thread-list">
                {threads.map((t) => {
                  const from = isFromMe(t.last, me) ? 'You' : refName(t.last.sender, names, 'Your care team');
                  return (
                    <li key={t.id} className="pb-thread-item">
                      <Link to={portalLink(`messages/${t.id}`)} className={`pb-thread-link${t.unread > 0 ? ' pb-thread-unread' : ''}`} aria-label={`${t.topic}${t.unread > 0 ? `, ${t.unread} unread` : ''}`}>
                        <Group justify="space-between" wrap="nowrap">
                          <Text fw={t.unread > 0 ? 700 : 500} truncate>
                            {t.topic}
                          </Text>
                          {t.unread > 0 && (
                            <Badge className="pb-status">
                              {t.unread} new
                            </Badge>
                          )}
                        </Group>
                        <Text size="sm" className="muted" truncate>
                          {from}: {messageText(t.last)}
                        </Text>
                        <Text size="xs" className="muted">
                          {formatDateTime(t.last.sent)}
                        </Text>
                      </Link>
                    </li>
                  );
                })}
            </ul>
          );
        }}
      </LoadedView>
    </PortalPage>
  );
}
