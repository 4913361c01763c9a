/**
 * The result review screen at /results/:id: one report with its results (ranges, flags, earlier
 * values), the order it answers, the imaging study and report text, who acknowledged it and the
 * comments. Actions: Acknowledge (a critical result asks for an explicit confirmation), Forward…
 * (the inbox's forwarding) and Add comment. Everything is read and written through the FHIR API.
 */
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Alert, Anchor, Button, Center, Group, Loader, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMe } from '../../auth/me.ts';
import { useFhir, useLoad } from '../../fhir/use-fhir.ts';
import { conceptText, formatDateTime, humanName } from '../../fhir/format.ts';
import { errorMessage } from '../../fhir/client.ts';
import { CriticalAckDialog } from '../../inbox/CriticalAckDialog.tsx';
import { FlagBadge } from '../../inbox/FlagBadge.tsx';
import { ForwardDialog } from '../../inbox/ForwardDialog.tsx';
import { loadDirectory } from '../../inbox/practitioners.ts';
import { flagSeverity, resultFlag, worstFlag } from '../../inbox/result-flags.ts';
import { isOpen, reviewBundle } from '../../inbox/review-task.ts';
import { commentOn, loadReview } from './review-data.ts';
import { HistorySection, ImagingSection, OrdersSection, ResultsTable } from './ReviewSections.tsx';
import '../../inbox/inbox.css';

export function ResultReview() {
  const { id = '' } = useParams();
  const me = useMe();
  const client = useFhir();
  const [reload, setReload] = useState(0);
  const [dialog, setDialog] = useState<'confirm' | 'forward'>();
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const review = useLoad((c, signal) => loadReview(c, id, signal), [id, reload]);
  const directory = useLoad((c, signal) => loadDirectory(c, signal), []);
  const d = review.data;
  useEffect(() => {
    document.title = `${d ? conceptText(d.report.code) : 'Result'} · Continuum`;
  }, [d]);

  if (review.error) {
    return (
      <Alert color="red" role="alert" title="The result could not be loaded" maw={700}>
        {review.error.message}
      </Alert>
    );
  }
  if (!d || !directory.data) {
    return (
      <Center h={200}>
        <Loader role="progressbar" aria-label="Loading the result" />
      </Center>
    );
  }
  const title = conceptText(d.report.code);
  const patientName = d.patient ? humanName(d.patient.name) : (d.report.subject?.display ?? 'Unknown patient');
  const flag = worstFlag(d.observations.map(resultFlag));
  const mine = d.tasks.filter((t) => t.owner?.reference === me && isOpen(t));
  const openCritical = d.tasks.filter((t) => t.priority === 'stat' && isOpen(t));
  const critical = flagSeverity(flag) >= 3 || openCritical.length > 0;
  const acknowledgedByMe = d.tasks.some((t) => t.owner?.reference === me && t.status === 'completed') && mine.length === 0;

  const acknowledge = async (forward?: { to: string; note: string }) => {
    if (!me) return;
    await client.transaction(reviewBundle(d.report, me, mine, new Date(), forward));
    setDialog(undefined);
    setNotice(forward ? `${title} forwarded to ${directory.data?.name(forward.to) ?? 'them'}.` : `${title} acknowledged.`);
    setReload((n) => n + 1);
  };
  const addComment = async () => {
    if (!me || !comment.trim()) return;
    setBusy(true);
    setError(undefined);
    try {
      await client.create(commentOn(d.report, me, comment, new Date()));
      setComment('');
      setNotice('Comment added.');
      setReload((n) => n + 1);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack gap="md" maw={1100}>
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Group gap="xs">
            <Title order={1} size="h2">
              {title}
            </Title>
            <FlagBadge flag={flag} />
          </Group>
          <Text size="sm">
            {d.patient?.id ? (
              <Anchor component={Link} to={`/patients/${d.patient.id}/summary`} underline="always">
                {patientName}
              </Anchor>
            ) : (
              patientName
            )}
            {` · ${d.report.status} · resulted ${formatDateTime(d.report.issued ?? d.report.effectiveDateTime ?? d.report.meta?.lastUpdated)}`}
          </Text>
          <Anchor component={Link} to="/inbox" size="sm">
            Back to the inbox
          </Anchor>
        </Stack>
        {me && (
          <Group gap="xs">
            <Button variant="default" onClick={() => setDialog('forward')}>
              Forward…
            </Button>
            {!acknowledgedByMe && (
              <Button color={critical ? 'red.9' : undefined} onClick={() => (critical ? setDialog('confirm') : void acknowledge().catch((err: unknown) => setError(errorMessage(err))))}>
                {critical ? 'Acknowledge critical result' : 'Acknowledge'}
              </Button>
            )}
          </Group>
        )}
      </Group>
      {openCritical.length > 0 && (
        <Alert color="red" variant="filled" title="Critical result: not yet acknowledged" data-critical-unacknowledged>
          Waiting for {openCritical.map((t) => directory.data!.name(t.owner?.reference)).join(', ')} to acknowledge it.
        </Alert>
      )}
      <div role="status" aria-live="polite">
        {notice && (
          <Text size="sm" c="green.9">
            {notice}
          </Text>
        )}
      </div>
      {error && (
        <Alert color="red" role="alert" title="That did not work" withCloseButton onClose={() => setError(undefined)}>
          {error}
        </Alert>
      )}
      <ResultsTable title={title} observations={d.observations} conclusion={d.report.conclusion} />
      <ImagingSection report={d.report} studies={d.studies} />
      <OrdersSection orders={d.orders} directory={directory.data} />
      <HistorySection tasks={d.tasks} comments={d.comments} directory={directory.data} />
      {me && (
        <Stack gap="xs">
          <Textarea label="Comment" description="Kept with the patient's record, with your name and the time" value={comment} onChange={(e) => setComment(e.currentTarget.value)} rows={2} maxLength={2000} />
          <Group>
            <Button variant="default" onClick={() => void addComment()} loading={busy} disabled={!comment.trim()}>
              Add comment
            </Button>
          </Group>
        </Stack>
      )}
      {dialog === 'confirm' && <CriticalAckDialog title={title} onCancel={() => setDialog(undefined)} onConfirm={() => acknowledge()} />}
      {dialog === 'forward' && me && <ForwardDialog title={`Forward ${title}`} me={me} directory={directory.data} onCancel={() => setDialog(undefined)} onForward={(to, note) => acknowledge({ to, note })} />}
    </Stack>
  );
}
