/**
 * /portal/appointments: the patient's upcoming and past visits. Each upcoming visit can be
 * cancelled (with a reason, after reading the clinic's policy from `$booking-policy`; the
 * server's 422 text is shown when it is too late) or rescheduled (the booking page in reschedule
 * mode), and asks for the pre-visit form until one was sent for it.
 */
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, Badge, Button, Card, Group, Modal, Stack, Text, Textarea, Title } from '@mantine/core';
import type { Appointment, Bundle, Parameters } from '@medplum/fhirtypes';
import { errorMessage } from '../../../fhir/client.ts';
import { conceptText } from '../../../fhir/format.ts';
import { useFhir, useLoad } from '../../../fhir/use-fhir.ts';
import { usePortal } from '../../portal-context.ts';
import { appointmentsWithIntake, INTAKE_URL } from '../intake/questionnaire.ts';
import { portalLink } from '../links.ts';
import { namesIn, refName, type Names } from '../names.ts';
import { givenParts } from '../parameters.ts';
import { LoadedView, PortalPage } from '../PortalPage.tsx';
import { canChangeOnline, cancelPolicyText, readPolicy, splitAppointments, visitTime, type BookingPolicy } from './schedule.ts';

const STATUS_LABEL: Partial<Record<Appointment['status'], string>> = { booked: 'Booked', cancelled: 'Cancelled', fulfilled: 'Completed', noshow: 'Missed', 'checked-in': 'Checked in', arrived: 'Arrived' };

const practitionerOf = (a: Appointment) => a.participant?.find((p) => p.actor?.reference?.startsWith('Practitioner/'))?.actor;
const locationOf = (a: Appointment) => a.participant?.find((p) => p.actor?.reference?.startsWith('Location/'))?.actor;

function VisitCard({ appointment, names, upcoming, intakeDone, policy, onCancel }: { appointment: Appointment; names: Names; upcoming: boolean; intakeDone: boolean; policy: BookingPolicy; onCancel: () => void }) {
  const who = refName(practitionerOf(appointment), names, 'Your clinician');
  const where = refName(locationOf(appointment), names, '');
  const change = canChangeOnline(appointment, policy, new Date());
  const when = visitTime(appointment.start);
  return (
    <Card withBorder padding="md" component="article" aria-label={`${when} with ${who}`} data-appointment={appointment.id}>
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <div>
            <Text fw={700}>{when}</Text>
            <Text>
              {who}
              {where && ` · ${where}`}
            </Text>
            <Text size="sm" className="muted">
              {appointment.appointmentType ? conceptText(appointment.appointmentType) : 'Visit'}
              {appointment.reasonCode?.[0]?.text && ` · ${appointment.reasonCode[0].text}`}
            </Text>
          </div>
          <Badge color={appointment.status === 'cancelled' ? 'gray.8' : undefined} className="pb-status">
            {STATUS_LABEL[appointment.status] ?? appointment.status}
          </Badge>
        </Group>
        {appointment.status === 'cancelled' && appointment.cancelationReason?.text && (
          <Text size="sm" className="muted">
            Reason: {appointment.cancelationReason.text}
          </Text>
        )}
        {upcoming && (
          <Group gap="xs" mt={4}>
            {!intakeDone && (
              <Button component={Link} to={portalLink(`intake/${appointment.id}`)} size="sm">
                Fill in your pre-visit form
              </Button>
            )}
            {intakeDone && (
              <Text size="sm" className="muted">
                Pre-visit form sent
              </Text>
            )}
            {change.allowed ? (
              <>
                <Button component={Link} to={portalLink(`appointments/book?reschedule=${appointment.id}`)} size="sm" variant="default">
                  Reschedule
                </Button>
                <Button size="sm" variant="default" color="red" onClick={onCancel}>
                  Cancel visit
                </Button>
              </>
            ) : (
              <Text size="sm" className="muted">
                {change.reason}
              </Text>
            )}
          </Group>
        )}
      </Stack>
    </Card>
  );
}

function CancelDialog({ appointment, policy, names, onClose, onDone }: { appointment: Appointment; policy: BookingPolicy; names: Names; onClose: () => void; onDone: () => void }) {
  const client = useFhir();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await client.operation<Appointment>(`Appointment/${appointment.id}/$cancel`, givenParts(reason.trim() !== '' && { name: 'reason', valueString: reason.trim() }));
      onDone();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened onClose={onClose} title="Cancel this visit?">
      <Stack>
        <Text>
          {visitTime(appointment.start)} with {refName(practitionerOf(appointment), names, 'your clinician')}
        </Text>
        <Alert title="Cancellation policy">
          {cancelPolicyText(policy)}
        </Alert>
        <Textarea label="Reason (optional)" value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} />
        {error && (
          <Alert color="red" title="The visit was not cancelled">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Keep visit
          </Button>
          <Button color="red" loading={busy} onClick={() => void submit()}>
            Cancel visit
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

interface VisitsData {
  appointments: Appointment[];
  names: Names;
  policy: BookingPolicy;
  withIntake: Set<string>;
}

export function Appointments() {
  const { patientId } = usePortal();
  const [reload, setReload] = useState(0);
  const [cancelling, setCancelling] = useState<Appointment>();
  const [notice, setNotice] = useState<string>();
  const state = useLoad<VisitsData>(
    async (client, signal) => {
      const [bundle, policy, intakes] = await Promise.all([
        client.search('Appointment', { patient: `Patient/${patientId}`, _include: 'Appointment:actor', _count: 100 }, signal),
        client.get<Parameters>('Appointment/$booking-policy', signal),
        client.searchResources('QuestionnaireResponse', { subject: `Patient/${patientId}`, questionnaire: INTAKE_URL, _count: 200 }, signal),
      ]);
      const appointments = (bundle.entry ?? []).filter((e) => e.search?.mode !== 'include').map((e) => e.resource).filter((r): r is Appointment => r?.resourceType === 'Appointment');
      return { appointments, names: namesIn(bundle as Bundle), policy: readPolicy(policy), withIntake: appointmentsWithIntake(intakes) };
    },
    [patientId, reload],
  );
  return (
    <PortalPage title="Appointments">
      <Group>
        <Button component={Link} to={portalLink('appointments/book')}>
          Book an appointment
        </Button>
      </Group>
      {notice && (
        <Alert color="green" withCloseButton onClose={() => setNotice(undefined)} closeButtonLabel="Dismiss">
          {notice}
        </Alert>
      )}
      <LoadedView state={state} what="your appointments">
        {(data) => {
          const { upcoming, past } = splitAppointments(data.appointments, new Date());
          return (
            <>
              <section aria-labelledby="pb-upcoming">
                <Title order={2} id="pb-upcoming" size="h3" mb="xs">
                  Upcoming
                </Title>
                <Stack gap="sm">
                  {upcoming.length === 0 && <Text>No upcoming visits.</Text>}
                  {upcoming.map((a) => (
                    <VisitCard key={a.id} appointment={a} names={data.names} upcoming intakeDone={data.withIntake.has(a.id ?? '')} policy={data.policy} onCancel={() => setCancelling(a)} />
                  ))}
                </Stack>
              </section>
              <section aria-labelledby="pb-past">
                <Title order={2} id="pb-past" size="h3" mb="xs">
                  Past and cancelled
                </Title>
                <Stack gap="sm">
                  {past.length === 0 && <Text>No past visits.</Text>}
                  {past.map((a) => (
                    <VisitCard key={a.id} appointment={a} names={data.names} upcoming={false} intakeDone={data.withIntake.has(a.id ?? '')} policy={data.policy} onCancel={() => undefined} />
                  ))}
                </Stack>
              </section>
              {cancelling && (
                <CancelDialog
                  appointment={cancelling}
                  policy={data.policy}
                  names={data.names}
                  onClose={() => setCancelling(undefined)}
                  onDone={() => {
                    setNotice(`Your visit on ${visitTime(cancelling.start)} was cancelled.`);
                    setCancelling(undefined);
                    setReload((n) => n + 1);
                  }}
                />
              )}
            </>
          );
        }}
      </LoadedView>
    </PortalPage>
  );
}
