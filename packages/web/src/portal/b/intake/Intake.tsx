/**
 * /portal/intake/:appointmentId: the pre-visit form. The Questionnaire (found by its canonical
 * url) is rendered generically, items appearing as their enableWhen allows; required, number and
 * range checks run before sending, and the server's 422 issues land under the items they name.
 * Sent as a completed QuestionnaireResponse linked to the appointment by the intake-appointment
 * extension; the server then asks the clinician to review it.
 */
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Alert, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import type { Appointment, Questionnaire } from '@medplum/fhirtypes';
import { errorMessage, FhirError } from '../../../fhir/client.ts';
import { useFhir, useLoad } from '../../../fhir/use-fhir.ts';
import { usePortal } from '../../portal-context.ts';
import { visitTime } from '../appointments/schedule.ts';
import { portalLink } from '../links.ts';
import { LoadedView, PortalPage } from '../PortalPage.tsx';
import { QuestionField } from './QuestionField.tsx';
import { buildResponse, flatItems, INTAKE_URL, isEnabled, issuesByItem, validate, type Answers, type AnswerValue } from './questionnaire.ts';

const CHECK_ANSWERS = 'Please check the answers marked below.';

function IntakeForm({ questionnaire, appointment }: { questionnaire: Questionnaire; appointment: Appointment }) {
  const client = useFhir();
  const { patientId, fhirUser } = usePortal();
  const [answers, setAnswers] = useState<Answers>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(false);
  const items = flatItems(questionnaire.item);

  const focusFirst = (found: Record<string, string>) => {
    const first = items.find((i) => found[i.linkId]);
    if (first) document.querySelector<HTMLElement>(`[data-link-id="${first.linkId}"], [data-link-id="${first.linkId}"] input`)?.focus();
  };

  const submit = async () => {
    const found = validate(questionnaire, answers);
    setErrors(found);
    setGeneral(undefined);
    if (Object.keys(found).length > 0) {
      setGeneral(CHECK_ANSWERS);
      focusFirst(found);
      return;
    }
    setBusy(true);
    try {
      await client.create(buildResponse(questionnaire, answers, { questionnaireUrl: questionnaire.url ?? INTAKE_URL, patientId, author: fhirUser, appointmentId: appointment.id ?? '', now: new Date() }));
      setSent(true);
    } catch (err) {
      if (err instanceof FhirError && err.status === 422) {
        const byItem = issuesByItem(err.outcome, items.map((i) => i.linkId));
        const { '': unplaced, ...placed } = byItem;
        setErrors(placed);
        setGeneral(unplaced ?? CHECK_ANSWERS);
        focusFirst(placed);
      } else {
        setGeneral(errorMessage(err));
      }
    } finally {
      setBusy(false);
    }
  };

  if (sent) {
    return (
      <Card withBorder padding="lg" role="status">
        <Stack>
          <Title order={2} size="h3">
            Thank you, your form was sent
          </Title>
          <Text>Your care team will review it before your visit on {visitTime(appointment.start)}.</Text>
          <Group>
            <Button component={Link} to={portalLink('appointments')}>
              Back to appointments
            </Button>
          </Group>
        </Stack>
      </Card>
    );
  }

  const set = (linkId: string, value: AnswerValue | undefined) => {
    setAnswers((a) => ({ ...a, [linkId]: value }));
    setErrors(({ [linkId]: _dropped, ...rest }) => rest);
  };
  // "Check the answers marked below" goes once no answer is marked any more.
  const shown = general === CHECK_ANSWERS && Object.keys(errors).length === 0 ? undefined : general;

  return (
    <form
      noValidate
      aria-label={questionnaire.title ?? 'Pre-visit form'}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <Stack gap="md">
        <Text>For your visit on {visitTime(appointment.start)}. Questions marked * are required.</Text>
        {items
          .filter((item) => item.type !== 'group' && isEnabled(item, answers))
          .map((item) => (
            <QuestionField key={item.linkId} item={item} value={answers[item.linkId]} error={errors[item.linkId]} onChange={(v) => set(item.linkId, v)} />
          ))}
        {shown && (
          <Alert color="red" title="The form was not sent">
            {shown}
          </Alert>
        )}
        <Group>
          <Button type="submit" size="md" loading={busy}>
            Send form
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function Intake() {
  const { appointmentId = '' } = useParams();
  const state = useLoad(
    async (client, signal) => {
      const [questionnaires, appointment] = await Promise.all([client.searchResources('Questionnaire', { url: INTAKE_URL }, signal), client.read('Appointment', appointmentId, signal)]);
      const questionnaire = questionnaires[0];
      if (!questionnaire) throw new Error('The pre-visit form is not available right now.');
      return { questionnaire, appointment };
    },
    [appointmentId],
  );
  return (
    <PortalPage title="Pre-visit form">
      <LoadedView state={state} what="the form">
        {(data) => <IntakeForm questionnaire={data.questionnaire} appointment={data.appointment} />}
      </LoadedView>
    </PortalPage>
  );
}
