/**
 * "Invite to portal" in the chart banner: a dialog that sends the patient (or one of their
 * proxies, a RelatedPerson) a one-time link to create a Continuum MyHealth account, through
 * `POST Patient/{id}/$portal-invite`. The address is prefilled from the Patient's (or the proxy's)
 * email and can be changed. The server decides who may invite: another role sees its refusal.
 */
import { useState } from 'react';
import { Alert, Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import type { ContactPoint, Parameters, Patient, RelatedPerson } from '@medplum/fhirtypes';
import { errorMessage } from '../fhir/client.ts';
import { formatDate, humanName } from '../fhir/format.ts';
import { useFhir, useLoad } from '../fhir/use-fhir.ts';

const emailOf = (telecom: ContactPoint[] | undefined): string => telecom?.find((t) => t.system === 'email' && t.value)?.value ?? '';
const SELF = 'self';

function InviteDialog({ patient, onClose }: { patient: Patient; onClose: () => void }) {
  const client = useFhir();
  const proxies = useLoad((c, signal) => c.searchResources('RelatedPerson', { patient: `Patient/${patient.id ?? ''}`, _count: 50 }, signal), [patient.id]);
  const [who, setWho] = useState(SELF);
  const [email, setEmail] = useState(emailOf(patient.telecom));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [sent, setSent] = useState<{ to: string; expires: string }>();
  const proxyList: RelatedPerson[] = proxies.data ?? [];
  const choose = (value: string | null) => {
    const next = value ?? SELF;
    setWho(next);
    const rp = proxyList.find((p) => p.id === next);
    setEmail(rp ? emailOf(rp.telecom) : emailOf(patient.telecom));
  };
  const submit = async () => {
    setBusy(true);
    setError(undefined);
    const body: Parameters = {
      resourceType: 'Parameters',
      parameter: [...(email.trim() ? [{ name: 'email', valueString: email.trim() }] : []), ...(who !== SELF ? [{ name: 'relatedPerson', valueReference: { reference: `RelatedPerson/${who}` } }] : [])],
    };
    try {
      const out = await client.postJson<Parameters>(`/fhir/Patient/${encodeURIComponent(patient.id ?? '')}/$portal-invite`, body);
      const value = (name: string) => out.parameter?.find((p) => p.name === name);
      setSent({ to: value('sentTo')?.valueString ?? '', expires: value('expires')?.valueInstant ?? '' });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const options = [{ value: SELF, label: `${humanName(patient.name)} (the patient)` }, ...proxyList.map((p) => ({ value: p.id ?? '', label: `${humanName(p.name)} (proxy${p.relationship?.[0]?.text ? `: ${p.relationship[0].text}` : ''})` }))];
  return (
    <Modal opened onClose={onClose} title="Invite to the patient portal" centered>
      {sent ? (
        <Stack gap="sm">
          <Alert color="green" title="Invitation sent">
            A one-time link went to {sent.to}. It works until {formatDate(sent.expires)}.
          </Alert>
          <Group justify="flex-end">
            <Button onClick={onClose}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <Stack gap="sm">
            <Text size="sm">The invitee gets an email with a link to create their MyHealth account. A new invitation replaces any earlier one.</Text>
            {proxyList.length > 0 && <Select label="Who is invited" data={options} value={who} onChange={choose} allowDeselect={false} />}
            <TextInput label="Email address" type="email" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} data-autofocus />
            {error && (
              <Alert color="red" role="alert" title="No invitation was sent">
                {error}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" loading={busy}>
                Send invitation
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

export function PortalInvite({ patient }: { patient: Patient }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="light" size="xs" onClick={() => setOpen(true)}>
        Invite to portal
      </Button>
      {open && <InviteDialog patient={patient} onClose={() => setOpen(false)} />}
    </>
  );
}
