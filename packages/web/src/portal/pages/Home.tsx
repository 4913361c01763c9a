/**
 * The portal's home: a greeting, then cards for the next appointment, unread messages, the
 * balance due and the newest results, each read through the FHIR API. A card whose operation
 * this server does not offer (404, e.g. no billing module) is left out.
 */
import { Link } from 'react-router-dom';
import type { Appointment, Communication, Parameters } from '@medplum/fhirtypes';
import { Anchor, Badge, Button, Group, Stack, Text } from '@mantine/core';
import { useLoad } from '../../fhir/use-fhir.ts';
import { conceptText, formatDate, formatDateTime } from '../../fhir/format.ts';
import { usePortal } from '../portal-context.ts';
import { firstName, SELF } from '../portal-patients.ts';
import { Empty, Failed, isMissing, Loading, PageTitle, Section } from '../page-parts.tsx';
import { loadLabReports, reportDate } from '../results-data.ts';

const PORTAL_MESSAGE = 'urn:continuum:communication-category|portal-message';

function NextAppointment() {
  const { patientId } = usePortal();
  const { data, error, loading } = useLoad(
    async (client, signal) => {
      const upcoming = await client.searchResources('Appointment', { patient: `Patient/${patientId}`, date: `ge${new Date().toISOString()}`, _sort: 'date', _count: '10' }, signal);
      return upcoming.find((a: Appointment) => a.status === 'booked' || a.status === 'pending' || a.status === 'proposed');
    },
    [patientId],
  );
  if (isMissing(error)) return null;
  return (
    <Section title="Next appointment" id="home-appointment" action={<Anchor component={Link} to="/appointments">All appointments</Anchor>}>
      {loading ? (
        <Loading what="appointments" />
      ) : error ? (
        <Failed what="appointments" error={error} />
      ) : data ? (
        <Stack gap={4}>
          <Text fw={700} size="lg" data-testid="next-appointment">
            {formatDateTime(data.start)}
          </Text>
          <Text>{data.appointmentType ? conceptText(data.appointmentType) : (data.serviceType?.[0] ? conceptText(data.serviceType[0]) : 'Visit')}</Text>
          <Text className="muted">{data.participant.map((p) => p.actor?.display).filter((d) => d && !d.startsWith('Patient')).join(' · ')}</Text>
        </Stack>
      ) : (
        <Stack gap="sm" align="flex-start">
          <Empty>No upcoming appointments.</Empty>
          <Button component={Link} to="/appointments/book" variant="light">
            Book a visit
          </Button>
        </Stack>
      )}
    </Section>
  );
}

function UnreadMessages() {
  const { patientId, fhirUser } = usePortal();
  const { data, error, loading } = useLoad(
    async (client, signal) => {
      const messages = await client.searchResources('Communication', { subject: `Patient/${patientId}`, category: PORTAL_MESSAGE, _sort: '-sent', _count: '200' }, signal);
      const mine = new Set([fhirUser, `Patient/${patientId}`]);
      return messages.filter((m: Communication) => !m.received && m.sender?.reference !== fhirUser && (m.recipient ?? []).some((r) => mine.has(r.reference ?? ''))).length;
    },
    [patientId, fhirUser],
  );
  if (isMissing(error)) return null;
  return (
    <Section title="Messages" id="home-messages" action={<Anchor component={Link} to="/messages">Open messages</Anchor>}>
      {loading ? <Loading what="messages" /> : error ? <Failed what="messages" error={error} /> : (
        <Text size="lg" data-testid="unread-count">
          {data === 0 ? 'No unread messages.' : <><Text span fw={700}>{data}</Text> unread {data === 1 ? 'message' : 'messages'} from your care team.</>}
        </Text>
      )}
    </Section>
  );
}

function Balance() {
  const { patientId, client } = usePortal();
  const { data, error, loading } = useLoad((_c, signal) => client.get<Parameters>(`Patient/${encodeURIComponent(patientId)}/$statement`, signal), [patientId]);
  if (isMissing(error)) return null;
  const balance = data?.parameter?.find((p) => p.name === 'balance')?.valueMoney;
  return (
    <Section title="Balance due" id="home-balance" action={<Anchor component={Link} to="/billing">Billing</Anchor>}>
      {loading ? <Loading what="the balance" /> : error ? <Failed what="the balance" error={error} /> : (
        <Text size="xl" fw={700} data-testid="balance">
          {new Intl.NumberFormat('en-US', { style: 'currency', currency: balance?.currency ?? 'USD' }).format(balance?.value ?? 0)}
        </Text>
      )}
    </Section>
  );
}

function NewestResults() {
  const { patientId } = usePortal();
  const { data, error, loading } = useLoad((client, signal) => loadLabReports(client, patientId, 3, signal), [patientId]);
  return (
    <Section title="Newest results" id="home-results" action={<Anchor component={Link} to="/results">All results</Anchor>}>
      {loading ? <Loading what="results" /> : error ? <Failed what="results" error={error} /> : !data?.length ? <Empty>No results yet.</Empty> : (
        <Stack gap="sm">
          {data.map(({ report, outside, results }) => (
            <Group key={report.id} justify="space-between" wrap="nowrap" className="list-row">
              <div>
                <Text fw={600}>{conceptText(report.code)}</Text>
                <Text size="sm" className="muted">{formatDate(reportDate(report))}</Text>
              </div>
              {results.length > 0 && (
                <Badge variant="light" color={outside ? 'orange' : 'teal'} c={outside ? '#8a3b00' : '#0b5f56'} tt="none" className="nowrap">
                  {outside ? `${outside} outside range` : 'All in range'}
                </Badge>
              )}
            </Group>
          ))}
        </Stack>
      )}
    </Section>
  );
}

export function Home() {
  const { patients, patientId } = usePortal();
  const patient = patients.find((p) => p.id === patientId);
  const self = patient?.relationship === SELF;
  return (
    <>
      <PageTitle title={self ? `Hello, ${firstName(patient.name)}` : `${patient ? firstName(patient.name) : 'Patient'}'s health`} intro={self ? 'Here is what is new in your health record.' : `Here is what is new in ${patient ? firstName(patient.name) : 'their'}'s health record.`} />
      <div className="card-grid">
        <NextAppointment />
        <UnreadMessages />
        <NewestResults />
        <Balance />
      </div>
    </>
  );
}
