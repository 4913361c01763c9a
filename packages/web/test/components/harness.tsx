/**
 * The component-test page: mounts the one widget named in the URL (`?widget=timeline&patient=p1`)
 * alone, inside the app's MantineProvider and theme and a router (widgets link to pages), with a
 * real FhirClient on `/fhir`. The test answers those requests from fixture Bundles (Playwright
 * routes), so the widget runs exactly as in the app, in real Chromium, without a server. Nothing here is part of the app's build.
 */
import '@mantine/core/styles.css';
import '../../src/ui/app.css';
import './harness.css';
import { StrictMode, useState, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { MantineProvider } from '@mantine/core';
import { MemoryRouter } from 'react-router-dom';
import { FhirClient } from '../../src/fhir/client.ts';
import { FhirContext } from '../../src/fhir/use-fhir.ts';
import { theme } from '../../src/ui/theme.ts';
import { Timeline } from '../../src/clinician/timeline/Timeline.tsx';
import { Trends } from '../../src/clinician/trends/Trends.tsx';
import { CodePicker } from '../../src/ui/CodePicker.tsx';
import { MedicationPicker } from '../../src/ui/MedicationPicker.tsx';
import { ICD10CM, type TerminologySystem } from '../../src/fhir/terminology.ts';
import type { Coding } from '@medplum/fhirtypes';

const params = new URLSearchParams(window.location.search);
const patient = params.get('patient') ?? 'p1';

/**
 * The picker (`?system=` picks the code system, `?free` allows free text) and what it hands the
 * form (an output), with a field after it to move the focus to.
 */
function Picker() {
  const [value, setValue] = useState<Coding>();
  return (
    <>
      <CodePicker
        label="Diagnosis"
        system={(params.get('system') ?? ICD10CM) as TerminologySystem}
        value={value}
        onChange={setValue}
        required
        freeText={params.has('free')}
        description="Search by words of the name, or by code"
        debounceMs={Number(params.get('debounce') ?? 250)}
      />
      <output aria-label="Chosen coding">{value ? JSON.stringify(value) : 'none'}</output>
      <input aria-label="Next field" />
    </>
  );
}

/** The medication picker and the coding it hands the form. */
function MedPicker() {
  const [value, setValue] = useState<Coding>();
  return (
    <>
      <MedicationPicker label="Medication" value={value} onChange={setValue} required debounceMs={Number(params.get('debounce') ?? 250)} />
      <output aria-label="Chosen coding">{value ? JSON.stringify(value) : 'none'}</output>
      <input aria-label="Next field" />
    </>
  );
}

const WIDGETS: Record<string, () => ReactNode> = {
  timeline: () => <Timeline patientId={patient} />,
  trends: () => <Trends patientId={patient} />,
  codepicker: () => <Picker />,
  medicationpicker: () => <MedPicker />,
};

function Harness() {
  const [client] = useState(() => new FhirClient({ baseUrl: '/fhir', token: () => 'component-test', onUnauthorized: () => undefined }));
  const widget = WIDGETS[params.get('widget') ?? ''];
  return (
    <FhirContext.Provider value={client}>
      <MemoryRouter>
        <main aria-label="Widget under test" className="harness">
          <h1 className="harness-title">Widget under test: {params.get('widget')}</h1>
          {widget ? widget() : <p role="alert">Unknown widget {params.get('widget')}</p>}
        </main>
      </MemoryRouter>
    </FhirContext.Provider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} forceColorScheme="light">
      <Harness />
    </MantineProvider>
  </StrictMode>,
);
