/**
 * The chart's "Referrals" tab: refer the patient to a partner organization (ReferForm.tsx), and
 * the patient's referrals, sent and received, each with its state and timeline (ReferralCard.tsx).
 */
import { useState } from 'react';
import { Alert, Button, Center, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useLoad } from '../../fhir/use-fhir.ts';
import { loadPartners, loadReferrals } from './referrals-data.ts';
import { ReferralCard } from './ReferralCard.tsx';
import { ReferForm } from './ReferForm.tsx';
import { ActionFeedback } from '../../ui/ActionFeedback.tsx';

export function ChartReferrals({ patientId }: { patientId: string }) {
  const [reload, setReload] = useState(0);
  const [referring, setReferring] = useState(false);
  const [notice, setNotice] = useState<string>();
  const [error, setError] = useState<string>();
  const partners = useLoad((c, signal) => loadPartners(c, signal), []);
  const referrals = useLoad((c, signal) => loadReferrals(c, { patientId, ...(partners.data ? { partners: partners.data } : {}) }, signal), [patientId, reload, partners.data]);
  const changed = (text: string | undefined, problem?: string) => {
    setNotice(text);
    setError(problem);
    setReload((n) => n + 1);
  };

  return (
    <Stack gap="md" maw={1100}>
      <Group justify="space-between" align="flex-end">
        <Stack gap={0}>
          <Title order={2} size="h3">
            Referrals
          </Title>
          <Text size="sm" className="muted">
            Referrals to and from partner organizations. The patient’s summary travels with each referral.
          </Text>
        </Stack>
        {!referring && (
          <Button onClick={() => setReferring(true)} disabled={!partners.data}>
            Refer to another organization
          </Button>
        )}
      </Group>
      <ActionFeedback notice={notice} error={error} onDismissError={() => setError(undefined)} />
      {partners.error && (
        <Alert color="yellow" title="The partner organizations could not be loaded">
          {partners.error.message}
        </Alert>
      )}
      {referring && partners.data && (
        <ReferForm
          patientId={patientId}
          partners={partners.data}
          onCancel={() => setReferring(false)}
          onSent={(delivered, partner) => {
            setReferring(false);
            if (delivered) changed(`Referral sent to ${partner}.`);
            else changed(undefined, `The referral is saved, but ${partner} could not be reached. Resend it from the list below.`);
          }}
        />
      )}
      {referrals.error ? (
        <Alert color="red" role="alert" title="The referrals could not be loaded">
          {referrals.error.message}
        </Alert>
      ) : !referrals.data ? (
        <Center h={120}>
          <Loader role="progressbar" aria-label="Loading referrals" />
        </Center>
      ) : referrals.data.length === 0 ? (
        <Text className="muted">No referrals for this patient.</Text>
      ) : (
        referrals.data.map((r) => <ReferralCard key={r.task.id} item={r} showPatient={false} onChanged={changed} />)
      )}
    </Stack>
  );
}
