/**
 * The referrals page at /referrals (physicians, nurses): incoming referrals (from partner
 * organizations, to accept, decline, schedule and complete with a report) and outgoing ones (sent
 * to partners, with their state, a resend when they did not arrive, and the report once returned).
 * Open ones first in each list; `?view=outgoing` keeps the choice in the address.
 */
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Alert, Badge, Button, Center, Group, Loader, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useLoad } from '../../fhir/use-fhir.ts';
import { loadPartners, loadReferrals, type ReferralItem } from './referrals-data.ts';
import { ReferralCard } from './ReferralCard.tsx';
import { ActionFeedback } from '../../ui/ActionFeedback.tsx';

const OPEN = new Set(['requested', 'accepted', 'scheduled', 'not-delivered']);
const openFirst = (a: ReferralItem, b: ReferralItem): number => Number(OPEN.has(b.state)) - Number(OPEN.has(a.state));

export function ReferralsPage() {
  const [params, setParams] = useSearchParams();
  const view = params.get('view') === 'outgoing' ? 'outgoing' : 'incoming';
  const [reload, setReload] = useState(0);
  const [notice, setNotice] = useState<string>();
  const [error, setError] = useState<string>();
  const partners = useLoad((c, signal) => loadPartners(c, signal).catch(() => []), []);
  const referrals = useLoad((c, signal) => loadReferrals(c, partners.data ? { partners: partners.data } : {}, signal), [reload, partners.data]);
  useEffect(() => {
    document.title = 'Referrals · Continuum';
  }, []);

  const all = referrals.data ?? [];
  const shown = all.filter((r) => r.direction === view).sort(openFirst);
  const openIncoming = all.filter((r) => r.direction === 'incoming' && r.state === 'requested').length;
  const changed = (text: string | undefined, problem?: string) => {
    setNotice(text);
    setError(problem);
    setReload((n) => n + 1);
  };

  return (
    <Stack gap="md" maw={1100}>
      <Group justify="space-between" align="flex-end">
        <Stack gap={0}>
          <Title order={1} size="h2">
            Referrals
          </Title>
          <Text size="sm" className="muted">
            Referrals between this organization and its partners. Open ones first.
          </Text>
        </Stack>
        <Group gap="xs">
          <SegmentedControl
            aria-label="Which referrals"
            value={view}
            onChange={(v) => setParams(v === 'outgoing' ? { view: 'outgoing' } : {})}
            data={[
              { value: 'incoming', label: 'Incoming' },
              { value: 'outgoing', label: 'Outgoing' },
            ]}
          />
          {openIncoming > 0 && (
            <Badge size="lg" variant="filled" color="blue.9">
              {openIncoming} to answer
            </Badge>
          )}
          <Button variant="default" onClick={() => setReload((n) => n + 1)}>
            Refresh
          </Button>
        </Group>
      </Group>
      <ActionFeedback notice={notice} error={error} onDismissError={() => setError(undefined)} />
      <Title order={2} size="h3">
        {view === 'incoming' ? 'Incoming referrals' : 'Outgoing referrals'}
      </Title>
      {referrals.error ? (
        <Alert color="red" role="alert" title="The referrals could not be loaded">
          {referrals.error.message}
        </Alert>
      ) : !referrals.data ? (
        <Center h={160}>
          <Loader role="progressbar" aria-label="Loading referrals" />
        </Center>
      ) : shown.length === 0 ? (
        <Text className="muted">{view === 'incoming' ? 'No referrals from partner organizations.' : 'No referrals sent. Refer a patient from the Referrals tab of their chart.'}</Text>
      ) : (
        shown.map((r) => <ReferralCard key={r.task.id} item={r} showPatient onChanged={changed} />)
      )}
    </Stack>
  );
}
