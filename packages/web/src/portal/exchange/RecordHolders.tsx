/**
 * "Who has my record": the organizations that hold or received the patient's information through
 * this clinic (`$data-holders`), and the patient's sharing choices per partner organization
 * (`$exchange-consent`): share or not, and whether sensitive kinds of care go too. Turning
 * sharing off is confirmed first, saying plainly what it does and does not undo.
 */
import { useEffect, useState } from 'react';
import { Alert, Button, Checkbox, Group, Modal, Radio, Stack, Text } from '@mantine/core';
import type { Parameters } from '@medplum/fhirtypes';
import { errorMessage } from '../../fhir/client.ts';
import { formatDate } from '../../fhir/format.ts';
import { useLoad } from '../../fhir/use-fhir.ts';
import { Empty, Failed, isMissing, Loading, PageTitle, Section } from '../page-parts.tsx';
import { usePortal } from '../portal-context.ts';
import { holderLines, readHolders } from './holders.ts';
import './record-holders.css';
import { changedChoices, consentParameters, readSharing, SENSITIVE, setSensitive, setShare, withdrawals, type SharingChoice } from './sharing.ts';

function Holders() {
  const { patientId } = usePortal();
  const { data, error, loading } = useLoad((c, signal) => c.get<Parameters>(`Patient/${encodeURIComponent(patientId)}/$data-holders`, signal).then(readHolders), [patientId]);
  return (
    <Section title="Organizations that have your information" id="holders">
      {isMissing(error) ? <Empty>This clinic does not share records with other organizations yet.</Empty> : loading ? <Loading what="who has your record" /> : error ? <Failed what="who has your record" error={error} /> : !data?.length ? <Empty>No other organization has received your information from this clinic.</Empty> : (
        <ul className="entry-list">
          {data.map((h) => (
            <li key={h.reference ?? h.organization} className="list-row" data-holder={h.organization}>
              <Stack gap={2}>
                <Text fw={600}>{h.organization}</Text>
                {holderLines(h).map((line) => (
                  <Text size="sm" key={line}>
                    {line}
                  </Text>
                ))}
                {h.lastDisclosed && (
                  <Text size="sm" className="muted">
                    Last sent {formatDate(h.lastDisclosed)}
                  </Text>
                )}
              </Stack>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function ChoiceRow({ choice, onShare, onSensitive }: { choice: SharingChoice; onShare: (share: boolean) => void; onSensitive: (categories: string[]) => void }) {
  return (
    <li className="list-row" data-sharing={choice.name}>
      <Stack gap="xs">
        <Radio.Group label={choice.name} classNames={{ label: 'sharing-org' }} description="Can this organization get your record from us when they care for you?" value={choice.share ? 'share' : 'none'} onChange={(v) => onShare(v === 'share')}>
          <Group gap="lg" mt={6}>
            <Radio value="share" label="Share" />
            <Radio value="none" label="Don't share" />
          </Group>
        </Radio.Group>
        {choice.share && (
          <Checkbox.Group label="Also share these more private kinds of care" description="Left unchecked, they stay here even when the rest is shared." value={choice.sensitive} onChange={onSensitive}>
            <Stack gap={6} mt={6}>
              {SENSITIVE.map((s) => (
                <Checkbox key={s.key} value={s.key} label={s.label} />
              ))}
            </Stack>
          </Checkbox.Group>
        )}
      </Stack>
    </li>
  );
}

function ConfirmWithdraw({ names, busy, onCancel, onConfirm }: { names: string[]; busy: boolean; onCancel: () => void; onConfirm: () => void }) {
  const who = names.join(', ');
  return (
    <Modal opened onClose={onCancel} title={`Stop sharing with ${who}?`}>
      <Stack>
        <Text>{who} will not get anything new from your record here, and will not be told about new results or hospital stays.</Text>
        <Text>What they already received stays with them: ask them directly if you want it removed.</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Keep sharing
          </Button>
          <Button color="red" loading={busy} onClick={onConfirm}>
            Stop sharing
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function Sharing() {
  const { client, patientId } = usePortal();
  const [version, setVersion] = useState(0);
  const { data, error, loading } = useLoad((c, signal) => c.get<Parameters>(`Patient/${encodeURIComponent(patientId)}/$exchange-consent`, signal).then(readSharing), [patientId, version]);
  const [edited, setEdited] = useState<SharingChoice[]>([]);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  useEffect(() => setEdited(data ?? []), [data]);
  const saved = data ?? [];
  const changed = changedChoices(saved, edited);
  const save = async () => {
    setBusy(true);
    setMessage(undefined);
    try {
      for (const choice of changed) await client.operation<Parameters>(`Patient/${encodeURIComponent(patientId)}/$exchange-consent`, consentParameters(choice));
      setMessage({ ok: true, text: 'Your choices are saved.' });
      setVersion((v) => v + 1);
    } catch (err) {
      setMessage({ ok: false, text: errorMessage(err) });
      setVersion((v) => v + 1);
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };
  const submit = () => (withdrawals(saved, changed).length > 0 ? setConfirming(true) : void save());
  return (
    <Section title="Your sharing choices" id="sharing">
      {isMissing(error) ? <Empty>This clinic does not share records with other organizations yet.</Empty> : loading && !data ? <Loading what="your sharing choices" /> : error ? <Failed what="your sharing choices" error={error} /> : edited.length === 0 ? <Empty>This clinic has no partner organizations yet.</Empty> : (
        <>
          <Text mb="md">These organizations work with this clinic. You decide whether each may get your record when they care for you. You can change your mind at any time.</Text>
          <ul className="entry-list">
            {edited.map((c) => (
              <ChoiceRow key={c.organization} choice={c} onShare={(share) => setEdited((all) => setShare(all, c.organization, share))} onSensitive={(keys) => setEdited((all) => setSensitive(all, c.organization, keys))} />
            ))}
          </ul>
          <Group mt="md">
            <Button onClick={submit} loading={busy && !confirming} disabled={changed.length === 0}>
              Save my choices
            </Button>
            {changed.length > 0 && (
              <Button variant="default" onClick={() => setEdited(saved)}>
                Undo changes
              </Button>
            )}
          </Group>
        </>
      )}
      {message && (
        <Alert color={message.ok ? 'teal' : 'red'} title={message.ok ? 'Saved' : 'Your choices were not saved'} role={message.ok ? 'status' : 'alert'} mt="md">
          {message.text}
        </Alert>
      )}
      {confirming && <ConfirmWithdraw names={withdrawals(saved, changed).map((c) => c.name)} busy={busy} onCancel={() => setConfirming(false)} onConfirm={() => void save()} />}
    </Section>
  );
}

export function RecordHolders() {
  return (
    <>
      <PageTitle title="Who has my record" intro="The organizations that have your health information from this clinic, and your choices about sharing it." />
      <div className="card-stack exchange">
        <Holders />
        <Sharing />
      </div>
    </>
  );
}
