/**
 * Download and share the record: the health summary as a FHIR document (IPS JSON, `$summary`) or
 * a printable PDF (`$summary-pdf`), and share links another provider can open without an account
 * (`$share`: create with format, lifetime and recipient; `$shares` to list, with how often each
 * was opened; `$share-revoke`). A part the server does not offer (404) is left out.
 */
import { useState } from 'react';
import { Alert, Badge, Button, Code, Group, NativeSelect, Stack, Text, TextInput } from '@mantine/core';
import { useLoad } from '../../fhir/use-fhir.ts';
import { errorMessage } from '../../fhir/client.ts';
import { formatDateTime } from '../../fhir/format.ts';
import { usePortal } from '../portal-context.ts';
import { Empty, Failed, isMissing, Loading, PageTitle, Section } from '../page-parts.tsx';
import { base64Bytes, saveFile } from '../download.ts';
import { createShare, listShares, loadSummary, loadSummaryPdf, revokeShare, type ShareLink } from '../share-data.ts';

function Downloads() {
  const { client, patientId, patients } = usePortal();
  const [busy, setBusy] = useState<'json' | 'pdf'>();
  const [error, setError] = useState<string>();
  const name = (patients.find((p) => p.id === patientId)?.name ?? 'patient').toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const day = new Date().toISOString().slice(0, 10);
  const download = async (kind: 'json' | 'pdf') => {
    setBusy(kind);
    setError(undefined);
    try {
      if (kind === 'json') {
        const bundle = await loadSummary(client, patientId);
        saveFile(new Blob([JSON.stringify(bundle, null, 2)], { type: 'application/fhir+json' }), `health-summary-${name}-${day}.json`);
      } else {
        const binary = await loadSummaryPdf(client, patientId);
        saveFile(new Blob([base64Bytes(binary.data ?? '')], { type: 'application/pdf' }), `health-summary-${name}-${day}.pdf`);
      }
    } catch (err) {
      setError(isMissing(err instanceof Error ? err : undefined) ? 'Downloading the record is not available on this server yet.' : errorMessage(err));
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <Section title="Download your record" id="share-download">
      <Text mb="md">A summary of your problems, medicines, allergies, vaccines, results and procedures.</Text>
      <div className="button-row">
        <Button onClick={() => void download('pdf')} loading={busy === 'pdf'}>
          Download PDF
        </Button>
        <Button variant="light" onClick={() => void download('json')} loading={busy === 'json'}>
          Download for apps (FHIR)
        </Button>
      </div>
      <Text size="sm" className="muted" mt="sm">
        The PDF is for reading and printing. The FHIR file is the international patient summary format other health apps and providers can import.
      </Text>
      {error && (
        <Alert color="red" mt="sm" role="alert">
          {error}
        </Alert>
      )}
    </Section>
  );
}

function ShareRow({ share, onRevoke }: { share: ShareLink; onRevoke: (id: string) => void }) {
  const expired = share.expires !== undefined && Date.parse(share.expires) < Date.now();
  const state = share.revoked ? 'Revoked' : expired ? 'Expired' : 'Active';
  return (
    <li className="list-row" data-share={share.id}>
      <div>
        <Text fw={600}>{share.recipient ?? 'No recipient named'}</Text>
        <Text size="sm" className="muted">
          {share.format === 'pdf' ? 'PDF' : 'FHIR JSON'} · created {formatDateTime(share.created)} · {state === 'Active' ? `expires ${formatDateTime(share.expires)}` : state.toLowerCase()}
        </Text>
        <Text size="sm">
          Opened {share.accessCount} {share.accessCount === 1 ? 'time' : 'times'}
          {share.lastAccessed ? `, last ${formatDateTime(share.lastAccessed)}` : ''}
        </Text>
      </div>
      <Group gap={6} wrap="nowrap">
        <Badge variant="light" color={state === 'Active' ? 'teal' : 'gray'} c={state === 'Active' ? '#0b5f56' : '#3d4650'} tt="none">
          {state}
        </Badge>
        {state === 'Active' && (
          <Button size="sm" variant="default" onClick={() => onRevoke(share.id)} aria-label={`Revoke the link for ${share.recipient ?? 'no recipient'}`}>
            Revoke
          </Button>
        )}
      </Group>
    </li>
  );
}

const LIFETIMES = [
  { value: '24', label: '1 day' },
  { value: '72', label: '3 days' },
  { value: '168', label: '1 week' },
  { value: '720', label: '30 days' },
];

function ShareLinks() {
  const { client, patientId } = usePortal();
  const [version, setVersion] = useState(0);
  const { data, error, loading } = useLoad((c, signal) => listShares(c, patientId, signal), [patientId, version]);
  const [format, setFormat] = useState<'fhir' | 'pdf'>('pdf');
  const [hours, setHours] = useState('72');
  const [recipient, setRecipient] = useState('');
  const [created, setCreated] = useState<ShareLink>();
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  if (isMissing(error)) return null;
  const create = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      setCreated(await createShare(client, patientId, format, Number(hours), recipient));
      setRecipient('');
      setVersion((v) => v + 1);
    } catch (err) {
      setProblem(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const revoke = async (id: string) => {
    setProblem(undefined);
    try {
      await revokeShare(client, patientId, id);
      setVersion((v) => v + 1);
    } catch (err) {
      setProblem(errorMessage(err));
    }
  };
  return (
    <Section title="Share with a provider" id="share-links">
      <Text mb="md">Create a private link to your summary for a doctor or hospital. Anyone with the link can open it until it expires or you revoke it.</Text>
      <div className="share-form">
        <TextInput label="Who is it for? (optional)" placeholder="e.g. Dr. Rivera, City Hospital" value={recipient} onChange={(e) => setRecipient(e.currentTarget.value)} />
        <NativeSelect label="Format" value={format} onChange={(e) => setFormat(e.currentTarget.value as 'fhir' | 'pdf')} data={[{ value: 'pdf', label: 'PDF' }, { value: 'fhir', label: 'FHIR JSON' }]} />
        <NativeSelect label="Link works for" value={hours} onChange={(e) => setHours(e.currentTarget.value)} data={LIFETIMES} />
        <Button onClick={() => void create()} loading={busy} className="share-create">
          Create link
        </Button>
      </div>
      {created?.url && (
        <Alert color="teal" mt="md" title="Link created" role="status">
          <Stack gap={4}>
            <Code block className="share-url" data-testid="share-url">
              {created.url}
            </Code>
            <Text size="sm">Copy this link and send it to the provider. It expires {formatDateTime(created.expires)}.</Text>
          </Stack>
        </Alert>
      )}
      {problem && (
        <Alert color="red" mt="md" role="alert">
          {problem}
        </Alert>
      )}
      <Text fw={700} mt="lg" mb="xs">
        Your links
      </Text>
      {loading ? <Loading what="your links" /> : error ? <Failed what="your links" error={error} /> : !data?.length ? <Empty>You have not shared your record.</Empty> : (
        <ul className="entry-list">
          {data.map((s) => (
            <ShareRow key={s.id} share={s} onRevoke={(id) => void revoke(id)} />
          ))}
        </ul>
      )}
    </Section>
  );
}

export function Share() {
  return (
    <>
      <PageTitle title="Download & share" intro="Take your record with you, or send it to another provider." />
      <div className="card-stack">
        <Downloads />
        <ShareLinks />
      </div>
    </>
  );
}
