/**
 * The partner directory at /admin/partners (administrators): the partner organizations with their
 * FHIR base, client ids and status; adding one (AddPartnerForm.tsx, which then shows the values
 * to send the partner); checking that a partner answers and gives us a token (`$check-partner`);
 * and disabling one after a confirmation (`$disable-partner`).
 */
import { useEffect, useState } from 'react';
import { Alert, Badge, Button, Center, Group, Loader, Modal, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import type { Parameters } from '@medplum/fhirtypes';
import { errorMessage } from '../../fhir/client.ts';
import { useFhir, useLoad } from '../../fhir/use-fhir.ts';
import { loadPartners } from '../referrals/referrals-data.ts';
import { AddPartnerForm } from './AddPartnerForm.tsx';
import { checkResult, checkSummary, type CheckResult, type PartnerRow } from './partners-model.ts';
import './exchange-admin.css';
import { ActionFeedback } from '../../ui/ActionFeedback.tsx';

export function PartnersPage() {
  const client = useFhir();
  const [reload, setReload] = useState(0);
  const partners = useLoad((c, signal) => loadPartners(c, signal), [reload]);
  const [adding, setAdding] = useState(false);
  const [checks, setChecks] = useState<Record<string, CheckResult | 'checking'>>({});
  const [disabling, setDisabling] = useState<PartnerRow>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<{ text: string; ok: boolean }>();
  useEffect(() => {
    document.title = 'Partner organizations · Continuum';
  }, []);

  const check = async (p: PartnerRow) => {
    setChecks((c) => ({ ...c, [p.organizationId]: 'checking' }));
    setError(undefined);
    try {
      const answer = await client.operation<Parameters>(`Organization/${p.organizationId}/$check-partner`);
      const result = checkResult(answer);
      setChecks((c) => ({ ...c, [p.organizationId]: result }));
      setNotice({ text: `${p.name}: ${checkSummary(result)}`, ok: result.reachable && result.tokenOk });
    } catch (err) {
      setChecks(({ [p.organizationId]: _, ...rest }) => rest);
      setError(errorMessage(err));
    }
  };
  const disable = async (p: PartnerRow) => {
    setBusy(true);
    setError(undefined);
    try {
      await client.operation(`Organization/${p.organizationId}/$disable-partner`);
      setNotice({ text: `${p.name} is disabled: nothing is sent to it and its requests are refused.`, ok: true });
      setDisabling(undefined);
      setReload((n) => n + 1);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack gap="md" maw={1200}>
      <Group justify="space-between" align="flex-end">
        <Stack gap={0}>
          <Title order={1} size="h2">
            Partner organizations
          </Title>
          <Text size="sm" className="muted">
            Other Continuum deployments this organization exchanges records, referrals and messages with.
          </Text>
        </Stack>
        {!adding && <Button onClick={() => setAdding(true)}>Add a partner</Button>}
      </Group>
      <ActionFeedback notice={notice?.text} noticeColor={notice?.ok === false ? 'red.9' : 'green.9'} error={error} onDismissError={() => setError(undefined)} />
      {adding && (
        <AddPartnerForm
          onClose={() => setAdding(false)}
          onAdded={() => {
            setNotice(undefined);
            setReload((n) => n + 1);
          }}
        />
      )}
      {partners.error ? (
        <Alert color="red" role="alert" title="The partners could not be loaded">
          {partners.error.message}
        </Alert>
      ) : !partners.data ? (
        <Center h={160}>
          <Loader role="progressbar" aria-label="Loading the partners" />
        </Center>
      ) : partners.data.length === 0 ? (
        <Text className="muted">No partners yet. Add one with the values its administrator gave you.</Text>
      ) : (
        <Table.ScrollContainer minWidth={900}>
          <Table className="inbox-table exchange-table" aria-label="Partner organizations" verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Organization</Table.Th>
                <Table.Th>FHIR base</Table.Th>
                <Table.Th>Client ids</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {partners.data.map((p) => {
                const c = checks[p.organizationId];
                return (
                  <Table.Tr key={p.organizationId} data-partner={p.organizationId} data-active={p.active}>
                    <Table.Td>
                      <Text fw={600} size="sm">
                        {p.name}
                      </Text>
                      {c && c !== 'checking' && (
                        <Text size="xs" c={c.reachable && c.tokenOk ? 'green.9' : 'red.9'} data-check={c.reachable && c.tokenOk ? 'ok' : 'failed'}>
                          {checkSummary(c)}
                          {c.detail ? ` ${c.detail}` : ''}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td className="cell-url">
                      <Text size="sm" className="mono wrap-anywhere">
                        {p.fhirBase ?? '—'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs">We are: {p.outboundClientId ?? '—'}</Text>
                      <Text size="xs">They are: {p.inboundClientId ?? '—'}</Text>
                    </Table.Td>
                    <Table.Td className="cell-badge">
                      <Badge variant={p.active ? 'filled' : 'light'} color={p.active ? 'green.9' : 'gray'} c={p.active ? undefined : 'gray.9'}>
                        {p.active ? 'Active' : 'Disabled'}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Group gap="xs" justify="flex-end" wrap="nowrap">
                        <Button size="xs" variant="default" loading={c === 'checking'} onClick={() => void check(p)} aria-label={`Check the connection to ${p.name}`}>
                          Check
                        </Button>
                        {p.active && (
                          <Button size="xs" variant="outline" color="red.9" onClick={() => setDisabling(p)} aria-label={`Disable ${p.name}`}>
                            Disable
                          </Button>
                        )}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Modal opened={Boolean(disabling)} onClose={() => setDisabling(undefined)} title={`Disable ${disabling?.name ?? 'this partner'}?`} centered>
        <Stack gap="sm">
          <Text size="sm">Nothing more is sent to this organization, and its requests here are refused at once. Records already exchanged stay where they are.</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDisabling(undefined)}>
              Cancel
            </Button>
            <Button color="red.9" loading={busy} onClick={() => disabling && void disable(disabling)}>
              Disable partner
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
