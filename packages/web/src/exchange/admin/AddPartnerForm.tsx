/**
 * Adding a partner: its name, FHIR base, the client id it gave us, the client id we give it
 * (a suggestion offered) and, optionally, its JWKS URL. Once added (`$add-partner`), the form
 * gives way to the values the partner's administrator needs to add us in turn: our FHIR base,
 * our JWKS URL and their client id, each with a copy button.
 */
import { useState, type ChangeEvent } from 'react';
import { Alert, Button, Card, CopyButton, Group, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import type { Parameters } from '@medplum/fhirtypes';
import { errorMessage } from '../../fhir/client.ts';
import { useFhir } from '../../fhir/use-fhir.ts';
import { addPartnerParameters, suggestClientId, validatePartnerForm, valuesForPartner, type PartnerForm, type PartnerFormErrors, type ValuesForPartner } from './partners-model.ts';

const EMPTY: PartnerForm = { name: '', fhirBase: '', partnerClientId: '', ourClientId: '', jwksUri: '' };

function Value({ label, value }: { label: string; value: string | undefined }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>
        <Group gap="xs" wrap="nowrap">
          <Text size="sm" className="mono wrap-anywhere" data-value={label}>
            {value ?? '—'}
          </Text>
          {value && (
            <CopyButton value={value}>
              {({ copied, copy }) => (
                <Button size="compact-xs" variant="default" onClick={copy} aria-label={`Copy ${label}`}>
                  {copied ? 'Copied' : 'Copy'}
                </Button>
              )}
            </CopyButton>
          )}
        </Group>
      </dd>
    </>
  );
}

export function AddPartnerForm({ onAdded, onClose }: { onAdded: () => void; onClose: () => void }) {
  const client = useFhir();
  const [form, setForm] = useState<PartnerForm>(EMPTY);
  const [errors, setErrors] = useState<PartnerFormErrors>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [added, setAdded] = useState<{ name: string; values: ValuesForPartner }>();
  const set = (key: keyof PartnerForm) => (e: ChangeEvent<HTMLInputElement>) => setForm({ ...form, [key]: e.currentTarget.value });

  const submit = async () => {
    const found = validatePartnerForm(form);
    setErrors(found);
    setError(undefined);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      const answer = await client.operation<Parameters>('Organization/$add-partner', addPartnerParameters(form));
      setAdded({ name: form.name.trim(), values: valuesForPartner(answer, form) });
      setForm(EMPTY);
      onAdded();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  if (added) {
    return (
      <Card withBorder padding="md" role="region" aria-label="Values to send the partner">
        <Stack gap="xs">
          <Title order={2} size="h4">
            {added.name} is added
          </Title>
          <Text size="sm">Send these values to {added.name}’s administrator so they can add this organization as their partner:</Text>
          <dl className="exchange-values">
            <Value label="Our FHIR base" value={added.values.ourFhirBase} />
            <Value label="Our JWKS URL" value={added.values.ourJwksUri} />
            <Value label="Their client id" value={added.values.theirClientId} />
            <Value label="Our client id at their side" value={added.values.ourClientId} />
          </dl>
          <Text size="xs" className="muted">
            They add this organization with our FHIR base and JWKS URL; they authenticate here as “their client id”, and register “our client id at their side” for our key.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Done
            </Button>
          </Group>
        </Stack>
      </Card>
    );
  }

  return (
    <Card withBorder padding="md">
      <form
        aria-label="Add a partner"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Stack gap="sm">
          <Title order={2} size="h4">
            Add a partner
          </Title>
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
            <TextInput label="Organization name" required value={form.name} onChange={set('name')} error={errors.name} />
            <TextInput label="Partner FHIR base URL" required placeholder="https://ehr.partner.example/fhir" value={form.fhirBase} onChange={set('fhirBase')} error={errors.fhirBase} />
            <TextInput label="Client id the partner gave us" description="We authenticate as this client at the partner" required value={form.ourClientId} onChange={set('ourClientId')} error={errors.ourClientId} />
            <TextInput
              label="Client id we give the partner"
              description="The partner authenticates as this client here"
              required
              value={form.partnerClientId}
              onChange={set('partnerClientId')}
              error={errors.partnerClientId}
              rightSectionWidth={90}
              rightSection={
                <Button size="compact-xs" variant="subtle" onClick={() => setForm({ ...form, partnerClientId: suggestClientId(form.name) })}>
                  Suggest
                </Button>
              }
            />
            <TextInput
              label="Partner JWKS URL (optional)"
              description="Leave empty for the partner's standard /exchange/jwks.json"
              placeholder="https://ehr.partner.example/exchange/jwks.json"
              value={form.jwksUri}
              onChange={set('jwksUri')}
              error={errors.jwksUri}
            />
          </SimpleGrid>
          {error && (
            <Alert color="red" role="alert" title="The partner was not added">
              {error}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Add partner
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
