/**
 * A page holding one CodePicker, for its Chromium component tests (code-picker.int.test.ts):
 * the real component and the real FhirClient against a real server. The query picks the code
 * system (`?system=`) and free text (`?free`); the hash carries the access token. What the
 * picker hands the form is shown in an output, and a second field takes the focus after it.
 */
import '@mantine/core/styles.css';
import { useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { MantineProvider, Stack, TextInput, Title } from '@mantine/core';
import type { Coding } from '@medplum/fhirtypes';
import { FhirClient } from '../../../src/fhir/client.ts';
import { ICD10CM, type TerminologySystem } from '../../../src/fhir/terminology.ts';
import { FhirContext } from '../../../src/fhir/use-fhir.ts';
import { CodePicker } from '../../../src/ui/CodePicker.tsx';
import { theme } from '../../../src/ui/theme.ts';

function Harness() {
  const params = new URLSearchParams(window.location.search);
  const system = (params.get('system') ?? ICD10CM) as TerminologySystem;
  const client = useMemo(() => new FhirClient({ baseUrl: '/fhir', token: () => window.location.hash.slice(1) || undefined, onUnauthorized: () => undefined }), []);
  const [value, setValue] = useState<Coding>();
  return (
    <FhirContext.Provider value={client}>
      <Stack p="xl" maw={640}>
        <Title order={2}>Code picker</Title>
        <CodePicker label="Diagnosis" system={system} value={value} onChange={setValue} required freeText={params.has('free')} description="Search by words of the name, or by code" />
        <output aria-label="Chosen coding">{value ? JSON.stringify(value) : 'none'}</output>
        <TextInput label="Next field" />
      </Stack>
    </FhirContext.Provider>
  );
}

createRoot(document.getElementById('root')!).render(
  <MantineProvider theme={theme} forceColorScheme="light">
    <Harness />
  </MantineProvider>,
);
