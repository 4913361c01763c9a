/**
 * Connected apps: the third-party SMART apps this account has allowed to read the record
 * (`GET /auth/grants`), each revocable (`DELETE /auth/grants/{id}`: the app's tokens stop
 * working), and how to connect one. This page is the server's SMART `management_endpoint`.
 */
import { useState } from 'react';
import { Alert, Button, List, Text } from '@mantine/core';
import { useLoad } from '../../fhir/use-fhir.ts';
import { errorMessage } from '../../fhir/client.ts';
import { formatDate } from '../../fhir/format.ts';
import { usePortal } from '../portal-context.ts';
import { Empty, Failed, isMissing, Loading, PageTitle, Section } from '../page-parts.tsx';

interface Grant {
  grantId: string;
  clientId: string;
  clientName: string;
  scope: string;
  createdAt: string;
}

/** What a grant's SMART scopes allow, in words. */
function scopeText(scope: string): string {
  const scopes = scope.split(' ');
  const reads = scopes.some((s) => /^(patient|user)\/.*\.(r|read|rs|\*)/.test(s));
  const writes = scopes.some((s) => /^(patient|user)\/.*\.(c|u|d|cu|cud|cruds|write|\*)/.test(s) || /\.[a-z]*[cud][a-z]*$/.test(s));
  if (reads && writes) return 'Can read and add to your record';
  if (writes) return 'Can add to your record';
  if (reads) return 'Can read your record';
  return 'Can confirm who you are';
}

export function Apps() {
  const { client } = usePortal();
  const [version, setVersion] = useState(0);
  const [problem, setProblem] = useState<string>();
  const { data, error, loading } = useLoad((c, signal) => c.json<Grant[]>('GET', '/auth/grants', undefined, signal), [version]);
  const revoke = async (g: Grant) => {
    setProblem(undefined);
    try {
      await client.json<unknown>('DELETE', `/auth/grants/${encodeURIComponent(g.grantId)}`);
      setVersion((v) => v + 1);
    } catch (err) {
      setProblem(errorMessage(err));
    }
  };
  return (
    <>
      <PageTitle title="Connected apps" intro="Health apps you allowed to use your record, and how to stop them." />
      <div className="card-stack">
        <Section title="Your apps" id="apps-list">
          {isMissing(error) ? <Empty>This server does not list connected apps yet.</Empty> : loading ? <Loading what="your apps" /> : error ? <Failed what="your apps" error={error} /> : !data?.length ? <Empty>No apps are connected to your record.</Empty> : (
            <ul className="entry-list">
              {data.map((g) => (
                <li key={g.grantId} className="list-row" data-grant={g.clientId}>
                  <div>
                    <Text fw={600}>{g.clientName}</Text>
                    <Text size="sm">{scopeText(g.scope)}</Text>
                    <Text size="sm" className="muted">Connected {formatDate(g.createdAt)}</Text>
                  </div>
                  <Button size="sm" variant="default" onClick={() => void revoke(g)} aria-label={`Disconnect ${g.clientName}`}>
                    Disconnect
                  </Button>
                </li>
              ))}
            </ul>
          )}
          {problem && <Alert color="red" mt="sm" role="alert">{problem}</Alert>}
        </Section>
        <Section title="Connect an app" id="apps-connect">
          <List spacing="xs" type="ordered">
            <List.Item>In the health app, choose to connect a provider or health record, and pick this clinic (or enter its address: <code>{window.location.origin}/fhir</code>).</List.Item>
            <List.Item>Sign in here with your MyHealth user name and password.</List.Item>
            <List.Item>Check what the app asks for, then allow it. It appears on this page.</List.Item>
          </List>
          <Text size="sm" className="muted" mt="sm">
            Only connect apps you trust. Disconnecting an app stops it from reading anything more; it does not delete what it already copied.
          </Text>
        </Section>
      </div>
    </>
  );
}
