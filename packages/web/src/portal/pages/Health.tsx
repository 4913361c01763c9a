/**
 * The health record: problems, medications (with "Request refill"), allergies, immunizations and
 * vital-sign trends as small charts whose caption and table say the same in words. Entries marked
 * entered-in-error are not shown; data from another organization carries a "From" badge.
 */
import { useState } from 'react';
import type { AllergyIntolerance, Condition, Immunization, MedicationRequest, Task } from '@medplum/fhirtypes';
import { Button, Group, Stack, Text } from '@mantine/core';
import { useLoad } from '../../fhir/use-fhir.ts';
import { errorMessage } from '../../fhir/client.ts';
import { conceptText, formatDate } from '../../fhir/format.ts';
import { problemStatus } from '../../clinician/lists/problem.ts';
import { medicationStatus } from '../../clinician/lists/medication.ts';
import { StatusBadge } from '../../clinician/lists/StatusBadge.tsx';
import { usePortal } from '../portal-context.ts';
import { Empty, Failed, Loading, PageTitle, Section, SourceBadge } from '../page-parts.tsx';
import { latestRefills, REFILL_CODE, refillOpen, refillStatusText, requestRefill } from '../refill.ts';
import { VitalTrends } from '../VitalTrends.tsx';

function ProblemList({ conditions }: { conditions: Condition[] }) {
  return (
    <ul className="entry-list">
      {conditions.map((c) => (
        <li key={c.id} className="list-row">
          <div>
            <Text fw={600} className="entry-name">{conceptText(c.code)}</Text>
            {c.onsetDateTime && <Text size="sm" className="muted">Since {formatDate(c.onsetDateTime)}</Text>}
          </div>
          <Group gap={6} wrap="nowrap">
            <SourceBadge resource={c} />
            <StatusBadge status={problemStatus(c)} />
          </Group>
        </li>
      ))}
    </ul>
  );
}

function Problems() {
  const { patientId } = usePortal();
  const { data, error, loading } = useLoad((c, signal) => c.searchResources('Condition', { patient: `Patient/${patientId}`, _count: '100' }, signal), [patientId]);
  const shown = (data ?? []).filter((c: Condition) => problemStatus(c).tone !== 'error');
  const current = shown.filter((c) => problemStatus(c).tone === 'active');
  const past = shown.filter((c) => problemStatus(c).tone !== 'active');
  return (
    <Section title="Health problems" id="health-problems">
      {loading ? <Loading what="problems" /> : error ? <Failed what="problems" error={error} /> : shown.length === 0 ? <Empty>No health problems recorded.</Empty> : (
        <>
          {current.length > 0 ? <ProblemList conditions={current} /> : <Empty>No current health problems.</Empty>}
          {past.length > 0 && (
            <details className="past">
              <summary>Past problems ({past.length})</summary>
              <ProblemList conditions={past} />
            </details>
          )}
        </>
      )}
    </Section>
  );
}

const medicationName = (m: MedicationRequest): string => (m.medicationCodeableConcept ? conceptText(m.medicationCodeableConcept) : m.medicationReference?.display ?? 'Medication');

function RefillButton({ request, latest }: { request: MedicationRequest; latest: Task | undefined }) {
  const { client } = usePortal();
  const [task, setTask] = useState<Task | undefined>(latest);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const ask = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setTask(await requestRefill(client, request.id!));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack gap={4} align="flex-end">
      {task && <Text size="sm" fw={600} className="refill-status" role="status">{refillStatusText(task)}</Text>}
      {!refillOpen(task) && request.status === 'active' && (
        <Button size="sm" variant="light" loading={busy} onClick={() => void ask()} aria-label={`Request a refill of ${medicationName(request)}`}>
          Request refill
        </Button>
      )}
      {error && <Text size="sm" c="red.9" role="alert">{error}</Text>}
    </Stack>
  );
}

function Medications() {
  const { patientId } = usePortal();
  const { data, error, loading } = useLoad(
    async (c, signal) => {
      const [requests, tasks] = await Promise.all([
        c.searchResources('MedicationRequest', { patient: `Patient/${patientId}`, _count: '100' }, signal),
        c.searchResources('Task', { patient: `Patient/${patientId}`, code: REFILL_CODE, _count: '100' }, signal).catch((): Task[] => []),
      ]);
      return { requests: requests.filter((m) => m.status === 'active' || m.status === 'on-hold'), refills: latestRefills(tasks) };
    },
    [patientId],
  );
  return (
    <Section title="Medications" id="health-medications">
      {loading ? <Loading what="medications" /> : error ? <Failed what="medications" error={error} /> : !data?.requests.length ? <Empty>No current medications.</Empty> : (
        <ul className="entry-list">
          {data.requests.map((m) => (
            <li key={m.id} className="list-row" data-medication={medicationName(m)}>
              <div>
                <Text fw={600}>{medicationName(m)}</Text>
                {m.dosageInstruction?.[0]?.text && <Text size="sm">{m.dosageInstruction[0].text}</Text>}
                <Group gap={6} mt={4}>
                  <StatusBadge status={medicationStatus(m)} />
                  <SourceBadge resource={m} />
                </Group>
              </div>
              <RefillButton request={m} latest={data.refills.get(`MedicationRequest/${m.id}`)} />
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function Allergies() {
  const { patientId } = usePortal();
  const { data, error, loading } = useLoad((c, signal) => c.searchResources('AllergyIntolerance', { patient: `Patient/${patientId}`, _count: '100' }, signal), [patientId]);
  const shown = (data ?? []).filter((a: AllergyIntolerance) => a.verificationStatus?.coding?.[0]?.code !== 'entered-in-error' && a.verificationStatus?.coding?.[0]?.code !== 'refuted');
  return (
    <Section title="Allergies" id="health-allergies">
      {loading ? <Loading what="allergies" /> : error ? <Failed what="allergies" error={error} /> : shown.length === 0 ? <Empty>No known allergies recorded.</Empty> : (
        <ul className="entry-list">
          {shown.map((a) => (
            <li key={a.id} className="list-row">
              <div>
                <Text fw={600}>{conceptText(a.code)}</Text>
                {a.reaction?.[0]?.manifestation?.length ? <Text size="sm">Reaction: {a.reaction[0].manifestation.map(conceptText).join(', ')}</Text> : null}
              </div>
              <Group gap={6} wrap="nowrap">
                <SourceBadge resource={a} />
                {a.criticality === 'high' && <StatusBadge status={{ label: 'High risk', tone: 'warning' }} />}
              </Group>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function Immunizations() {
  const { patientId } = usePortal();
  const { data, error, loading } = useLoad((c, signal) => c.searchResources('Immunization', { patient: `Patient/${patientId}`, _sort: '-date', _count: '100' }, signal), [patientId]);
  const shown = (data ?? []).filter((i: Immunization) => i.status === 'completed');
  return (
    <Section title="Immunizations" id="health-immunizations">
      {loading ? <Loading what="immunizations" /> : error ? <Failed what="immunizations" error={error} /> : shown.length === 0 ? <Empty>No immunizations recorded.</Empty> : (
        <ul className="entry-list">
          {shown.map((i) => (
            <li key={i.id} className="list-row">
              <Text fw={600}>{conceptText(i.vaccineCode)}</Text>
              <Group gap={6} wrap="nowrap">
                <SourceBadge resource={i} />
                <Text size="sm" className="muted nowrap">{formatDate(i.occurrenceDateTime)}</Text>
              </Group>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

export function Health() {
  return (
    <>
      <PageTitle title="Health record" intro="Your health problems, medicines, allergies, vaccines and measurements, as your care team recorded them." />
      <div className="card-grid">
        <Problems />
        <Medications />
        <Allergies />
        <Immunizations />
      </div>
      <div className="card-stack">
        <VitalTrends />
      </div>
    </>
  );
}
