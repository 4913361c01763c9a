/**
 * Registering a new patient at /patients/new: the form is checked before anything is sent, then
 * the likely matches are looked up; when there are any, staff either open that chart or confirm
 * a new patient anyway. The Patient and its Coverage are created in one transaction, and the app
 * goes to the new chart. What the server refuses (its OperationOutcome) is shown beside the form.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Alert, Anchor, Button, Group, List, Stack, Text, Title } from '@mantine/core';
import type { OperationOutcome } from '@medplum/fhirtypes';
import { FhirError, errorMessage } from '../../fhir/client.ts';
import { useFhir, useLoad } from '../../fhir/use-fhir.ts';
import { duplicateSearches, mergeMatches, type LikelyMatch } from './duplicate-check.ts';
import { DuplicateReview } from './DuplicateReview.tsx';
import { createdPatientId, registrationBundle } from './registration-bundle.ts';
import { EMPTY_FORM, validate, type Field, type FormErrors, type RegistrationForm } from './registration-form.ts';
import { fieldId, RegistrationFields } from './RegistrationFields.tsx';

const INSURERS = 'http://terminology.hl7.org/CodeSystem/organization-type|ins';
const today = () => new Date().toISOString().slice(0, 10);

interface Failure {
  message: string;
  outcome?: OperationOutcome | undefined;
}

function ServerError({ failure }: { failure: Failure }) {
  const issues = (failure.outcome?.issue ?? []).filter((i) => i.diagnostics ?? i.details?.text);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.scrollIntoView({ block: 'center' }), [failure]);
  return (
    <Alert ref={ref} color="red" title="The patient was not registered" role="alert">
      {issues.length > 1 ? (
        <List size="sm">
          {issues.map((i, n) => (
            <List.Item key={n}>
              {i.diagnostics ?? i.details?.text}
              {i.expression?.length ? <Text span c="dimmed" size="xs"> ({i.expression.join(', ')})</Text> : null}
            </List.Item>
          ))}
        </List>
      ) : (
        failure.message
      )}
    </Alert>
  );
}

export function NewPatient() {
  const client = useFhir();
  const navigate = useNavigate();
  const [form, setForm] = useState<RegistrationForm>(EMPTY_FORM);
  const [errors, setErrors] = useState<FormErrors>({});
  const [matches, setMatches] = useState<LikelyMatch[]>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure>();
  const { data: payors } = useLoad(async (c, signal) => c.searchResources('Organization', [['type', INSURERS], ['_count', '100']], signal).catch(() => []), []);

  const set = useCallback(<F extends Field>(field: F, value: RegistrationForm[F]) => {
    setForm((f) => ({ ...f, [field]: value }));
    setErrors((e) => (e[field] ? { ...e, [field]: undefined } : e));
    setMatches(undefined); // what was checked is no longer what would be sent
  }, []);

  const fail = (err: unknown) => setFailure(err instanceof FhirError ? { message: err.message, outcome: err.outcome } : { message: errorMessage(err) });

  const create = async () => {
    setBusy(true);
    setFailure(undefined);
    try {
      const response = await client.transaction(registrationBundle(form, { patient: crypto.randomUUID(), coverage: crypto.randomUUID() }, today()));
      const id = createdPatientId(response);
      if (!id) throw new Error('The server did not say which patient it created');
      navigate(`/patients/${id}/summary`);
    } catch (err) {
      fail(err);
      setBusy(false);
    }
  };

  const submit = async () => {
    const found = validate(form, today());
    setErrors(found);
    setFailure(undefined);
    const first = Object.keys(found)[0] as Field | undefined;
    if (first) {
      document.getElementById(fieldId(first))?.focus();
      return;
    }
    setBusy(true);
    try {
      const answers = await Promise.all(duplicateSearches(form).map(async (s) => ({ reason: s.reason, patients: await client.searchResources('Patient', s.params) })));
      const likely = mergeMatches(answers);
      if (likely.length > 0) {
        setMatches(likely);
        setBusy(false);
        return;
      }
    } catch (err) {
      fail(err);
      setBusy(false);
      return;
    }
    await create();
  };

  const invalid = Object.values(errors).filter(Boolean).length;
  return (
    <Stack maw={1100} gap="md">
      <Group justify="space-between" align="baseline">
        <Title order={1} size="h2">
          New patient
        </Title>
        <Anchor component={Link} to="/">
          Back to patient search
        </Anchor>
      </Group>
      <form
        noValidate
        aria-label="Register a patient"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Stack gap="md">
          <RegistrationFields form={form} errors={errors} set={set} payors={payors} />
          {invalid > 0 && (
            <Alert color="red" role="alert" title="Check the form">
              {invalid === 1 ? 'One field needs attention.' : `${invalid} fields need attention.`}
            </Alert>
          )}
          {failure && <ServerError failure={failure} />}
          {matches ? (
            <DuplicateReview matches={matches} busy={busy} onOpen={(id) => navigate(`/patients/${id}/summary`)} onCreateAnyway={() => void create()} onBack={() => setMatches(undefined)} />
          ) : (
            <Group>
              <Button type="submit" loading={busy}>
                Register patient
              </Button>
              <Text size="sm" className="muted">
                Fields marked * are required. Likely matches are checked before anything is saved.
              </Text>
            </Group>
          )}
        </Stack>
      </form>
    </Stack>
  );
}
