/**
 * "People who can see your record" on the account page: an adult patient gives a caregiver
 * (spouse, adult child, friend...) their own portal access, sees who has it, and takes it back.
 * Granting mails the caregiver an invitation (`$grant-proxy`); the list (`$proxies`) shows each
 * one as invited, active or revoked; revoking (`$revoke-proxy`, after a confirmation) ends the
 * access at once. Only a patient signed in as themselves sees it: a proxy's access is the
 * patient's to give, and the server refuses the rest (a minor's grant, for one) with its reason.
 */
import { useState } from 'react';
import { Alert, Badge, Button, Group, Modal, NativeSelect, Stack, Text, TextInput } from '@mantine/core';
import { useLoad } from '../fhir/use-fhir.ts';
import { errorMessage } from '../fhir/client.ts';
import { formatDate } from '../fhir/format.ts';
import { usePortal } from './portal-context.ts';
import { Empty, Failed, isMissing, Loading, Section } from './page-parts.tsx';
import { grantCaregiver, listCaregivers, RELATIONSHIP_CHOICES, revokeCaregiver, type Caregiver, type NewCaregiver } from './caregivers.ts';

const STATUS_TEXT: Record<Caregiver['status'], string> = { invited: 'Invited', active: 'Active', revoked: 'Access ended' };
const today = (): string => new Date().toISOString().slice(0, 10);

function CaregiverRow({ caregiver, onRevoke }: { caregiver: Caregiver; onRevoke: (c: Caregiver) => void }) {
  const live = caregiver.status !== 'revoked';
  return (
    <li className="list-row" data-caregiver={caregiver.relatedPerson}>
      <Stack gap={4}>
        <Group gap={8}>
          <Text fw={600}>{caregiver.name}</Text>
          <Badge variant="light" color={caregiver.status === 'active' ? 'teal' : caregiver.status === 'invited' ? 'blue' : 'gray'} c={live ? '#0b4f5f' : '#3d4650'} tt="none">
            {STATUS_TEXT[caregiver.status]}
          </Badge>
        </Group>
        <Text size="sm" className="muted">
          {[caregiver.relationship, caregiver.since && `since ${formatDate(caregiver.since)}`, caregiver.until && `${live ? 'until' : 'ended'} ${formatDate(caregiver.until)}`].filter(Boolean).join(' · ')}
        </Text>
        {caregiver.status === 'invited' && <Text size="sm">Has not set up their account yet.</Text>}
        {live && (
          <Group>
            <Button size="sm" variant="default" onClick={() => onRevoke(caregiver)} aria-label={`Remove access for ${caregiver.name}`}>
              Remove access
            </Button>
          </Group>
        )}
      </Stack>
    </li>
  );
}

function ConfirmRevoke({ caregiver, onClose, onDone }: { caregiver: Caregiver; onClose: () => void; onDone: () => void }) {
  const { client, patientId } = usePortal();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await revokeCaregiver(client, patientId, caregiver.relatedPerson);
      onDone();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  return (
    <Modal opened onClose={onClose} title={`Remove ${caregiver.name}'s access?`}>
      <Stack>
        <Text>{caregiver.name} will no longer be able to see your record or act for you in MyHealth. You can invite them again later.</Text>
        {error && (
          <Alert color="red" title="Access was not removed">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Keep access
          </Button>
          <Button color="red" loading={busy} onClick={() => void submit()}>
            Remove access
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

const EMPTY_FORM: NewCaregiver = { name: '', email: '', relationship: 'SPS', until: '' };

function GrantForm({ onGranted }: { onGranted: () => void }) {
  const { client, patientId } = usePortal();
  const [form, setForm] = useState<NewCaregiver>(EMPTY_FORM);
  const [busy, setBusy] = useState(false);
  const [sentTo, setSentTo] = useState<string>();
  const [problem, setProblem] = useState<string>();
  const set = (key: keyof NewCaregiver) => (e: { currentTarget: { value: string } }) => {
    const value = e.currentTarget.value;
    setForm((f) => ({ ...f, [key]: value }));
  };
  const submit = async () => {
    setBusy(true);
    setProblem(undefined);
    setSentTo(undefined);
    try {
      setSentTo((await grantCaregiver(client, patientId, form)) ?? form.email);
      setForm(EMPTY_FORM);
      onGranted();
    } catch (err) {
      setProblem(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
     
      aria-label="Invite someone to see your record"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <Stack gap="sm">
        <TextInput label="Their name" required value={form.name} onChange={set('name')} autoComplete="off" />
        <TextInput label="Their email" type="email" required value={form.email} onChange={set('email')} autoComplete="off" />
        <NativeSelect label="They are your" value={form.relationship} onChange={set('relationship')} data={[...RELATIONSHIP_CHOICES]} />
        <TextInput label="Access ends on (optional)" type="date" min={today()} value={form.until} onChange={set('until')} description="Leave empty to keep access until you remove it." />
        <Group>
          <Button type="submit" loading={busy}>
            Send invitation
          </Button>
        </Group>
        {sentTo && (
          <Alert color="teal" title="Invitation sent">
            We emailed an invitation to {sentTo}. The link works for 7 days.
          </Alert>
        )}
        {problem && (
          <Alert color="red" title="No invitation was sent">
            {problem}
          </Alert>
        )}
      </Stack>
    </form>
  );
}

/** Mounted on the account page: the section for a patient signed in as themselves, nothing for a proxy. */
export function CaregiverAccess() {
  return usePortal().fhirUser.startsWith('Patient/') ? <CaregiverSection /> : null;
}

function CaregiverSection() {
  const { patientId } = usePortal();
  const [version, setVersion] = useState(0);
  const [revoking, setRevoking] = useState<Caregiver>();
  const { data, error, loading } = useLoad((c, signal) => listCaregivers(c, patientId, signal), [patientId, version]);
  if (isMissing(error)) return null;
  const refresh = () => setVersion((v) => v + 1);
  return (
    <Section title="People who can see your record" id="account-caregivers">
      <Text mb="md">Give a family member or caregiver their own sign-in to see your record and help with your care. They can book visits, send messages and pay bills for you.</Text>
      {loading ? <Loading what="who can see your record" /> : error ? <Failed what="who can see your record" error={error} /> : !data?.length ? <Empty>Only you can see your record.</Empty> : (
        <ul className="entry-list">
          {data.map((c) => (
            <CaregiverRow key={c.relatedPerson} caregiver={c} onRevoke={setRevoking} />
          ))}
        </ul>
      )}
      <Text fw={700} mt="lg" mb="xs">
        Invite someone
      </Text>
      <GrantForm onGranted={refresh} />
      {revoking && (
        <ConfirmRevoke
          caregiver={revoking}
          onClose={() => setRevoking(undefined)}
          onDone={() => {
            setRevoking(undefined);
            refresh();
          }}
        />
      )}
    </Section>
  );
}
