/**
 * Reconciliation (ONC (b)(2)): per list (medications, allergies, problems) the local entries on
 * the left and what the partner holds on the right (`$reconcile-preview`), duplicates and possible
 * duplicates flagged with the server's reason and the local entry they match. The clinician
 * accepts, rejects or merges each incoming item into a chosen local one; `$import-external` applies
 * the decisions in one transaction, then the chart and this view reload.
 */
import { useState } from 'react';
import { Alert, Badge, Button, Center, Group, Loader, NativeSelect, Radio, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { Parameters, Resource } from '@medplum/fhirtypes';
import { errorMessage } from '../../fhir/client.ts';
import { useFhir, useLoad } from '../../fhir/use-fhir.ts';
import { ExternalBadge } from './ExternalBadge.tsx';
import { failureTitle } from './failure.ts';
import type { Candidate } from './match-model.ts';
import { decide, decisionErrors, importParameters, matchedLocal, MATCH_LABELS, pendingCount, readImport, readPreview, reconcileLists, suggestion, type Action, type Decisions, type IncomingItem, type LocalItem, type ReconcileList } from './reconcile-model.ts';

const MATCH_COLORS = { duplicate: 'orange.9', possible: 'yellow.9', new: 'blue.9' } as const;
const DECIDED_TEXT = { accepted: 'Imported earlier', rejected: 'Rejected earlier', merged: 'Merged earlier' } as const;

async function loadLocal(c: ReturnType<typeof useFhir>, patientId: string, signal: AbortSignal): Promise<Resource[]> {
  const lists = await Promise.all([
    c.searchResources('MedicationRequest', { patient: patientId, status: 'active', _count: '200' }, signal),
    c.searchResources('MedicationStatement', { patient: patientId, _count: '200' }, signal),
    c.searchResources('AllergyIntolerance', { patient: patientId, _count: '200' }, signal),
    c.searchResources('Condition', { patient: patientId, category: 'problem-list-item', _count: '200' }, signal),
  ]);
  return lists.flat();
}

function LocalRow({ item, matches }: { item: LocalItem; matches: IncomingItem[] | undefined }) {
  return (
    <li className={`external-item${matches ? ' reconcile-local-match' : ''}`} data-local={item.title}>
      <Text size="sm" fw={600}>
        {item.title}
      </Text>
      {item.detail && (
        <Text size="xs" className="muted">
          {item.detail}
        </Text>
      )}
      <ExternalBadge resource={item.resource} imported />
      {matches && (
        <Text size="xs" c="orange.9">
          Matches incoming: {matches.map((m) => m.title).join(', ')}
        </Text>
      )}
    </li>
  );
}

function IncomingRow({ item, list, decision, error, onDecide }: { item: IncomingItem; list: ReconcileList; decision: Decisions[string] | undefined; error: string | undefined; onDecide: (d: Decisions[string] | undefined) => void }) {
  const local = list.local.find((l) => l.ref === item.local);
  const pick = (action: Action) => onDecide(action === 'merge' ? { action, target: decision?.target ?? suggestion(item)?.target ?? item.local ?? list.local[0]?.ref ?? '' } : { action });
  return (
    <li className="reconcile-item" data-incoming={item.title} data-match={item.match}>
      <Stack gap={6}>
        <Group justify="space-between" align="flex-start" gap="xs">
          <div>
            <Text size="sm" fw={600}>
              {item.title}
            </Text>
            {item.detail && (
              <Text size="xs" className="muted">
                {item.detail}
              </Text>
            )}
          </div>
          <Badge variant="light" color={MATCH_COLORS[item.match]} c={MATCH_COLORS[item.match]} tt="none" radius="sm" data-flag={item.match}>
            {MATCH_LABELS[item.match]}
          </Badge>
        </Group>
        <ExternalBadge resource={item.resource} />
        {item.match !== 'new' && (
          <Text size="xs">
            {local ? `Matches “${local.title}” here` : 'Matches an item here'}
            {item.reason ? `: ${item.reason}` : ''}
          </Text>
        )}
        {item.decided ? (
          <Badge variant="outline" color="gray.8" c="gray.8" tt="none" radius="sm">
            {DECIDED_TEXT[item.decided]}
          </Badge>
        ) : (
          <>
            <Radio.Group label={`Decision for ${item.title}`} value={decision?.action ?? ''} onChange={(v) => pick(v as Action)} size="sm">
              <Group gap="md" mt={4}>
                <Radio value="accept" label="Accept" />
                <Radio value="reject" label="Reject" />
                <Radio value="merge" label="Merge into…" disabled={list.local.length === 0} />
              </Group>
            </Radio.Group>
            {decision?.action === 'merge' && (
              <NativeSelect
                label={`Merge ${item.title} into`}
                size="sm"
                value={decision.target ?? ''}
                onChange={(e) => onDecide({ action: 'merge', target: e.currentTarget.value })}
                data={[{ value: '', label: 'Choose a local item' }, ...list.local.map((l) => ({ value: l.ref, label: l.title }))]}
                error={error}
              />
            )}
          </>
        )}
      </Stack>
    </li>
  );
}

function ListSection({ list, organization, decisions, errors, onDecide }: { list: ReconcileList; organization: string; decisions: Decisions; errors: Record<string, string>; onDecide: (key: string, d: Decisions[string] | undefined) => void }) {
  const id = `reconcile-${list.key}`;
  const matched = matchedLocal(list);
  return (
    <section aria-labelledby={id} data-reconcile={list.key}>
      <Title order={3} size="h4" id={id} mb="xs">
        {list.title}
      </Title>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <div role="group" aria-label={`${list.title} here`}>
          <Text size="sm" className="reconcile-column-title" mb={4}>
            This clinic ({list.local.length})
          </Text>
          {list.local.length === 0 ? (
            <Text size="sm" className="muted">
              None recorded here.
            </Text>
          ) : (
            <ul className="external-list">
              {list.local.map((l) => (
                <LocalRow key={l.key} item={l} matches={matched.get(l.ref)} />
              ))}
            </ul>
          )}
        </div>
        <div role="group" aria-label={`${list.title} from ${organization}`}>
          <Text size="sm" className="reconcile-column-title" mb={4}>
            From {organization} ({list.incoming.length})
          </Text>
          {list.incoming.length === 0 ? (
            <Text size="sm" className="muted">
              Nothing incoming.
            </Text>
          ) : (
            <Stack component="ul" gap="sm" className="external-list">
              {list.incoming.map((x) => (
                <IncomingRow key={x.key} item={x} list={list} decision={decisions[x.key]} error={errors[x.key]} onDecide={(d) => onDecide(x.key, d)} />
              ))}
            </Stack>
          )}
        </div>
      </SimpleGrid>
    </section>
  );
}

export function Reconcile({ patientId, candidate, onChanged }: { patientId: string; candidate: Candidate; onChanged: () => void }) {
  const client = useFhir();
  const [revision, setRevision] = useState(0);
  const [decisions, setDecisions] = useState<Decisions>({});
  const [showErrors, setShowErrors] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; title: string; text: string }>();
  const { data, error, loading } = useLoad(
    async (c, signal) => {
      const [preview, local] = await Promise.all([
        c.operation<Parameters>(`Patient/${encodeURIComponent(patientId)}/$reconcile-preview`, [
          { name: 'partner', valueReference: { reference: candidate.partner } },
          { name: 'remotePatient', valueString: candidate.remoteId },
        ]),
        loadLocal(c, patientId, signal),
      ]);
      const incoming = readPreview(preview);
      return { incoming, lists: reconcileLists(local, incoming) };
    },
    [patientId, candidate.partner, candidate.remoteId, revision],
  );
  if (error) {
    return (
      <Alert color="red" title={failureTitle(error, 'prepare the reconciliation')} role="alert">
        {errorMessage(error)}
      </Alert>
    );
  }
  if (loading || !data) {
    return (
      <Center h={120}>
        <Loader role="progressbar" aria-label="Loading the lists to reconcile" />
      </Center>
    );
  }
  const errors = showErrors ? decisionErrors(data.incoming, decisions) : {};
  const pending = pendingCount(data.incoming, decisions);
  const submit = async () => {
    setShowErrors(true);
    if (Object.keys(decisionErrors(data.incoming, decisions)).length > 0) return;
    setBusy(true);
    setOutcome(undefined);
    try {
      const result = await client.operation<Parameters>(`Patient/${encodeURIComponent(patientId)}/$import-external`, importParameters(candidate.partner, data.incoming, decisions));
      const { created, updated, rejected } = readImport(result);
      setOutcome({ ok: true, title: 'Decisions applied', text: `${created.length} added to the chart, ${updated.length} merged into existing items, ${rejected} rejected. What was added or merged carries its source (${candidate.organization}).` });
      setDecisions({});
      setShowErrors(false);
      setRevision((r) => r + 1);
      onChanged();
    } catch (err) {
      setOutcome({ ok: false, title: failureTitle(err, 'apply the decisions'), text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack gap="lg">
      {data.lists.map((l) => (
        <ListSection key={l.key} list={l} organization={candidate.organization} decisions={decisions} errors={errors} onDecide={(key, d) => setDecisions((all) => decide(all, key, d))} />
      ))}
      {outcome && (
        <Alert color={outcome.ok ? 'green' : 'red'} title={outcome.title} role={outcome.ok ? 'status' : 'alert'}>
          {outcome.text}
        </Alert>
      )}
      <Group justify="flex-end" gap="sm">
        <Text size="sm" className="muted" aria-live="polite">
          {pending === 0 ? 'No decisions yet' : `${pending} decision${pending === 1 ? '' : 's'} to apply`}
        </Text>
        <Button onClick={() => void submit()} loading={busy} disabled={pending === 0}>
          Apply decisions
        </Button>
      </Group>
    </Stack>
  );
}
