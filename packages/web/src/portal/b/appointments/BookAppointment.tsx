/**
 * /portal/appointments/book: provider → visit type → day → time → reason → confirm (`$book`).
 * With `?reschedule=<appointment id>` the same steps move that visit (`$reschedule`), starting
 * from its provider and visit type. Only free slots inside the clinic's booking window are
 * offered; when someone else takes the chosen time first (409) the page says so and reloads the
 * times. After booking it offers the pre-visit form.
 */
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Alert, Button, Card, Group, Radio, Stack, Text, Textarea, Title } from '@mantine/core';
import type { Appointment, Coding, Parameters, Schedule, Slot } from '@medplum/fhirtypes';
import { errorMessage, FhirError } from '../../../fhir/client.ts';
import { conceptText } from '../../../fhir/format.ts';
import { useFhir, useLoad } from '../../../fhir/use-fhir.ts';
import { usePortal } from '../../portal-context.ts';
import { portalLink } from '../links.ts';
import { namesIn, refName, type Names } from '../names.ts';
import { givenParts } from '../parameters.ts';
import { LoadedView, PortalPage } from '../PortalPage.tsx';
import { bookableSlots, bookingWindow, dayLabel, groupSlotsByDay, readPolicy, slotTime, visitTime, type BookingPolicy } from './schedule.ts';

/** How many days of times one page of the day picker covers. */
const DAYS_SHOWN = 14;
const DAY = 86_400_000;

const practitionerOf = (s: Schedule) => s.actor.find((a) => a.reference?.startsWith('Practitioner/'));
const locationOf = (s: Schedule) => s.actor.find((a) => a.reference?.startsWith('Location/'));
const typesOf = (s: Schedule | undefined): Coding[] => (s?.serviceType ?? []).flatMap((t) => (t.coding?.[0] ? [{ ...t.coding[0], display: t.coding[0].display ?? conceptText(t) }] : []));

interface Setup {
  schedules: Schedule[];
  names: Names;
  policy: BookingPolicy;
  /** The visit being rescheduled, if any. */
  moving: Appointment | undefined;
}

/** A row of toggle buttons, one pressed: days, times. */
function Choices<T>({ label, items, chosen, keyOf, text, onChoose }: { label: string; items: readonly T[]; chosen: T | undefined; keyOf: (t: T) => string; text: (t: T) => string; onChoose: (t: T) => void }) {
  return (
    <div role="group" aria-label={label} className="pb-choice-grid">
      {items.map((item) => {
        const pressed = chosen !== undefined && keyOf(chosen) === keyOf(item);
        return (
          <Button key={keyOf(item)} className="pb-choice" variant={pressed ? 'filled' : 'default'} aria-pressed={pressed} onClick={() => onChoose(item)}>
            {text(item)}
          </Button>
        );
      })}
    </div>
  );
}

function TimePicker({ schedule, policy, reload, chosen, onChoose }: { schedule: Schedule; policy: BookingPolicy; reload: number; chosen: Slot | undefined; onChoose: (slot: Slot | undefined) => void }) {
  const [page, setPage] = useState(0);
  const [day, setDay] = useState<string>();
  const limits = bookingWindow(policy, new Date());
  const from = new Date(limits.from.getTime() + page * DAYS_SHOWN * DAY);
  const to = new Date(Math.min(from.getTime() + DAYS_SHOWN * DAY, limits.to.getTime()));
  const slots = useLoad(
    (client, signal) =>
      client.searchResources(
        'Slot',
        [
          ['schedule', `Schedule/${schedule.id}`],
          ['status', 'free'],
          ['start', `ge${from.toISOString()}`],
          ['start', `lt${to.toISOString()}`],
          ['_sort', 'start'],
          ['_count', '200'],
        ],
        signal,
      ),
    // The window moves with the clock; reload only when asked or the page changes.
    [schedule.id, page, reload],
  );
  const days = groupSlotsByDay(bookableSlots(slots.data ?? [], policy, new Date()));
  const shownDay = days.find((d) => d.day === day) ?? days[0];
  useEffect(() => {
    if (chosen && !days.some((d) => d.slots.some((s) => s.id === chosen.id))) onChoose(undefined);
  }, [slots.data]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <section aria-labelledby="pb-step-day">
      <Title order={2} size="h4" id="pb-step-day" mb="xs">
        3. Day and time
      </Title>
      <LoadedView state={slots} what="open times">
        {() => (
          <Stack gap="sm">
            {days.length === 0 ? (
              <Text>No open times in these two weeks.</Text>
            ) : (
              <>
                <Choices label="Day" items={days} chosen={shownDay} keyOf={(d) => d.day} text={(d) => dayLabel(d.day)} onChoose={(d) => setDay(d.day)} />
                {shownDay && <Choices label={`Times on ${dayLabel(shownDay.day)}`} items={shownDay.slots} chosen={chosen} keyOf={(s) => s.id ?? s.start} text={(s) => slotTime(s.start)} onChoose={onChoose} />}
              </>
            )}
            <Group gap="xs">
              {page > 0 && (
                <Button variant="subtle" onClick={() => setPage(page - 1)}>
                  Earlier dates
                </Button>
              )}
              {to.getTime() < limits.to.getTime() && (
                <Button variant="subtle" onClick={() => setPage(page + 1)}>
                  Later dates
                </Button>
              )}
            </Group>
          </Stack>
        )}
      </LoadedView>
    </section>
  );
}

function Booked({ appointment, names, moved }: { appointment: Appointment; names: Names; moved: boolean }) {
  const who = refName(appointment.participant?.find((p) => p.actor?.reference?.startsWith('Practitioner/'))?.actor, names, 'your clinician');
  return (
    <Card withBorder padding="lg" role="status">
      <Stack>
        <Title order={2} size="h3">
          {moved ? 'Your visit was moved' : 'You are booked'}
        </Title>
        <Text>
          {visitTime(appointment.start)} with {who}
        </Text>
        <Text>A short pre-visit form helps your care team prepare. It takes about 3 minutes.</Text>
        <Group>
          <Button component={Link} to={portalLink(`intake/${appointment.id}`)}>
            Fill in your pre-visit form
          </Button>
          <Button component={Link} to={portalLink('appointments')} variant="default">
            Back to appointments
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

function BookingSteps({ setup }: { setup: Setup }) {
  const client = useFhir();
  const { patientId } = usePortal();
  const { schedules, names, policy, moving } = setup;
  const movingPractitioner = moving?.participant?.find((p) => p.actor?.reference?.startsWith('Practitioner/'))?.actor?.reference;
  const [schedule, setSchedule] = useState<Schedule | undefined>(() => schedules.find((s) => practitionerOf(s)?.reference === movingPractitioner));
  const [typeCode, setTypeCode] = useState<string | undefined>(() => moving?.appointmentType?.coding?.[0]?.code ?? typesOf(schedule)[0]?.code);
  const [slot, setSlot] = useState<Slot>();
  const [reason, setReason] = useState(moving?.reasonCode?.[0]?.text ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [reloadSlots, setReloadSlots] = useState(0);
  const [booked, setBooked] = useState<Appointment>();
  const types = typesOf(schedule);
  const type = types.find((t) => t.code === typeCode) ?? types[0];

  if (booked) return <Booked appointment={booked} names={names} moved={moving !== undefined} />;

  const confirm = async () => {
    if (!slot) return;
    setBusy(true);
    setError(undefined);
    try {
      const slotRef = { name: 'slot', valueReference: { reference: `Slot/${slot.id}` } };
      const result = moving
        ? await client.operation<Appointment>(`Appointment/${moving.id}/$reschedule`, givenParts(slotRef))
        : await client.operation<Appointment>(
            'Appointment/$book',
            givenParts(slotRef, { name: 'patient', valueReference: { reference: `Patient/${patientId}` } }, type && { name: 'appointmentType', valueCoding: type }, reason.trim() !== '' && { name: 'reason', valueString: reason.trim() }),
          );
      setBooked(result);
    } catch (err) {
      if (err instanceof FhirError && err.status === 409) {
        setError('That time was just taken by someone else. Please pick another time.');
        setSlot(undefined);
        setReloadSlots((n) => n + 1);
      } else {
        setError(errorMessage(err));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack gap="lg">
      {moving && (
        <Alert title="Rescheduling">
          Your visit on {visitTime(moving.start)} stays booked until you confirm a new time.
        </Alert>
      )}
      <Radio.Group
        label={<Title order={2} size="h4">1. Provider</Title>}
        value={schedule?.id ?? null}
        onChange={(id) => {
          const next = schedules.find((s) => s.id === id);
          setSchedule(next);
          setTypeCode(typesOf(next)[0]?.code);
          setSlot(undefined);
        }}
      >
        <Stack gap="xs" mt="xs">
          {schedules.length === 0 && <Text>No providers take online bookings right now.</Text>}
          {schedules.map((s) => (
            <Radio key={s.id} value={s.id ?? ''} label={refName(practitionerOf(s), names, 'Clinician')} description={refName(locationOf(s), names, '') || undefined} />
          ))}
        </Stack>
      </Radio.Group>
      {schedule && (
        <Radio.Group
          label={<Title order={2} size="h4">2. Visit type</Title>}
          value={type?.code ?? null}
          onChange={(code) => {
            setTypeCode(code);
          }}
        >
          <Stack gap="xs" mt="xs">
            {types.map((t) => (
              <Radio key={t.code} value={t.code ?? ''} label={t.display ?? t.code} disabled={moving !== undefined} />
            ))}
          </Stack>
        </Radio.Group>
      )}
      {schedule && <TimePicker schedule={schedule} policy={policy} reload={reloadSlots} chosen={slot} onChoose={setSlot} />}
      {slot && (
        <section aria-labelledby="pb-step-confirm">
          <Title order={2} size="h4" id="pb-step-confirm" mb="xs">
            4. Reason and confirm
          </Title>
          <Stack>
            <Textarea label="Reason for the visit (optional)" description="A few words help your clinician prepare." value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} disabled={moving !== undefined} />
            <Card withBorder>
              <Text fw={600}>
                {type?.display ?? 'Visit'} with {refName(practitionerOf(schedule!), names, 'your clinician')}
              </Text>
              <Text>{visitTime(slot.start)}</Text>
            </Card>
          </Stack>
        </section>
      )}
      {error && (
        <Alert color="red" title={moving ? 'The visit was not moved' : 'The visit was not booked'}>
          {error}
        </Alert>
      )}
      {slot && (
        <Group>
          <Button size="md" loading={busy} onClick={() => void confirm()}>
            {moving ? 'Move my visit' : 'Book visit'}
          </Button>
        </Group>
      )}
    </Stack>
  );
}

export function BookAppointment() {
  const [search] = useSearchParams();
  const reschedule = search.get('reschedule') ?? undefined;
  const setup = useLoad<Setup>(
    async (client, signal) => {
      const [bundle, policy, moving] = await Promise.all([
        client.search('Schedule', { active: 'true', _include: 'Schedule:actor', _count: 100 }, signal),
        client.get<Parameters>('Appointment/$booking-policy', signal),
        reschedule ? client.read('Appointment', reschedule, signal) : Promise.resolve(undefined),
      ]);
      const schedules = (bundle.entry ?? []).map((e) => e.resource).filter((r): r is Schedule => r?.resourceType === 'Schedule');
      return { schedules, names: namesIn(bundle), policy: readPolicy(policy), moving };
    },
    [reschedule],
  );
  return (
    <PortalPage title={reschedule ? 'Reschedule a visit' : 'Book an appointment'}>
      <LoadedView state={setup} what="the booking calendar">
        {(data) => <BookingSteps setup={data} />}
      </LoadedView>
    </PortalPage>
  );
}
