/**
 * The MedicationPicker in real Chromium against a real server's `MedicationKnowledge/$catalogue`
 * (the harness passes its `/fhir` requests on): the matches are the ones the API answers, each
 * shows the real drug's name, strength (per mL for a liquid), form and class, and the keyboard
 * alone chooses the RxNorm Coding.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Bundle, MedicationKnowledge } from '@medplum/fhirtypes';
import { startTestServer, type TestServer } from '../../../server/test/fixtures/server.ts';
import { startHarness, type FhirHandler, type Harness } from './harness.ts';
import { noChromium, SCREENS } from '../e2e/workspace-fixture.ts';

const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

let server: TestServer;
let harness: Harness;

before(async () => {
  if (noChromium) return;
  server = await startTestServer();
  harness = await startHarness();
}, { timeout: 180_000 });

after(async () => {
  await harness?.close();
  await server?.close();
});

const toServer: FhirHandler = async (url, method, body) => {
  const res = await fetch(`${server.origin}${url.pathname}${url.search}`, {
    method,
    headers: { authorization: `Bearer ${server.token}`, ...(body ? { 'content-type': 'application/fhir+json' } : {}) },
    ...(body ? { body } : {}),
  });
  return { status: res.status, body: await res.json() };
};

describe('MedicationPicker against the server', { skip: noChromium }, () => {
  it('lists what the catalogue answers, with strength, form and class, and chooses with the keyboard', async () => {
    const api = await server.request('GET', '/MedicationKnowledge/$catalogue?name=amoxicillin&strength=80%20mg%2Fml&_count=20');
    assert.equal(api.status, 200, api.text);
    const expected = ((api.json as Bundle<MedicationKnowledge>).entry ?? []).map((e) => e.resource!.code!.coding![0]!.code);
    assert.ok(expected.length >= 2, 'amoxicillin 80 mg/mL and amoxicillin/clavulanate 80 mg/mL');

    const { context, page } = await harness.open('medicationpicker', toServer, { width: 900, height: 700 });
    const box = page.getByRole('combobox', { name: 'Medication' });
    await box.focus();
    await page.keyboard.type('amoxicillin 80 mg/ml');
    const options = page.getByRole('option');
    await options.first().waitFor();
    assert.equal(await options.count(), expected.length);
    const first = (await options.first().innerText()).replace(/\s+/g, ' ');
    assert.match(first, /^amoxicillin 80 mg\/mL Oral Suspension Penicillins$/);
    await page.screenshot({ path: join(SCREENS, 'medication-picker-server.png') });
    await page.keyboard.press('Enter');
    const chosen = JSON.parse((await page.getByLabel('Chosen coding').textContent())!);
    assert.deepEqual(chosen, { system: RXNORM, code: expected[0], display: 'amoxicillin 80 MG/ML Oral Suspension' });
    await context.close();
  });
});
