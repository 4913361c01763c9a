/**
 * The MedicationPicker alone in Chromium, over fixture `MedicationKnowledge/$catalogue` answers
 * (MedicationKnowledge shaped as the server makes them): a burst of keystrokes sends one request;
 * typed strength and form go as their own parameters; each match shows name, strength, form and
 * drug class; arrows and Enter hand the form the RxNorm Coding; Escape closes and keeps the
 * choice; a refused search says why; the open list passes axe.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MedicationKnowledge } from '@medplum/fhirtypes';
import type { Page } from 'playwright-core';
import { axeViolations, describeViolations } from '../e2e/axe-audit.ts';
import { noChromium, SCREENS } from '../e2e/workspace-fixture.ts';
import { onlyAfterPauses, startHarness, typeNotingPauses, type FhirHandler, type Harness } from './harness.ts';

const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const CLASS = 'https://continuum.example/fhir/CodeSystem/drug-class';
const UCUM = 'http://unitsofmeasure.org';

function mk(code: string, display: string, ingredient: string, mg: number, form: string, cls?: [string, string]): MedicationKnowledge {
  return {
    resourceType: 'MedicationKnowledge',
    id: `rxnorm-${code}`,
    status: 'active',
    code: { coding: [{ system: RXNORM, code, display }], text: display },
    doseForm: { text: form },
    ingredient: [{ itemCodeableConcept: { text: ingredient }, isActive: true, strength: { numerator: { value: mg, unit: 'mg', system: UCUM, code: 'mg' }, denominator: { value: 1, unit: '1', system: UCUM, code: '1' } } }],
    ...(cls ? { medicineClassification: [{ type: { text: 'therapeutic' }, classification: [{ coding: [{ system: CLASS, code: cls[0], display: cls[1] }] }] }] } : {}),
  };
}

const STATINS: [string, string] = ['statins', 'HMG-CoA reductase inhibitors (statins)'];
const DRUGS = [
  mk('617310', 'atorvastatin 20 MG Oral Tablet', 'atorvastatin', 20, 'Oral Tablet', STATINS),
  mk('617311', 'atorvastatin 40 MG Oral Tablet', 'atorvastatin', 40, 'Oral Tablet', STATINS),
  mk('312961', 'simvastatin 20 MG Oral Tablet', 'simvastatin', 20, 'Oral Tablet', STATINS),
  mk('1790679', 'simvastatin 4 MG/ML Oral Suspension', 'simvastatin', 4, 'Oral Suspension', STATINS),
];

function catalogue(status = 200): { handler: FhirHandler; queries: Array<Record<string, string>> } {
  const queries: Array<Record<string, string>> = [];
  const handler: FhirHandler = (url) => {
    if (url.pathname !== '/fhir/MedicationKnowledge/$catalogue') return { status: 404, body: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] } };
    const q = Object.fromEntries(url.searchParams);
    queries.push(q);
    if (status !== 200) return { status, body: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'forbidden', diagnostics: 'Your access does not allow medication catalogue searches' }] } };
    const hits = DRUGS.filter((d) => {
      const ing = d.ingredient![0]!;
      return (!q['name'] || ing.itemCodeableConcept!.text!.startsWith(q['name'].toLowerCase())) && (!q['strength'] || String(ing.strength!.numerator!.value) === q['strength'].split(' ')[0]) && (!q['form'] || d.doseForm!.text!.toLowerCase().includes(q['form'].toLowerCase()));
    });
    return { status: 200, body: { resourceType: 'Bundle', type: 'searchset', total: hits.length, entry: hits.map((resource) => ({ resource, search: { mode: 'match' } })) } };
  };
  return { handler, queries };
}

const optionTexts = async (page: Page) => (await page.getByRole('option').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
const chosen = async (page: Page): Promise<unknown> => {
  const text = await page.getByLabel('Chosen coding').textContent();
  return text === 'none' ? undefined : JSON.parse(text!);
};

describe('MedicationPicker widget', { skip: noChromium }, () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness();
  });
  after(async () => {
    await harness?.close();
  });

  it('asks once per pause and shows name, strength, form and class', async () => {
    const fhir = catalogue();
    const { context, page } = await harness.open('medicationpicker', fhir.handler);
    await page.getByRole('combobox', { name: 'Medication' }).focus();
    // The picker waits 250 ms after the last key; a gap of 200 ms or more in the page's own
    // typing may already have sent what was typed so far.
    const paused = await typeNotingPauses(page, 'atorva', 40, 200);
    await page.getByRole('option').nth(1).waitFor();
    assert.deepEqual(fhir.queries.at(-1), { name: 'atorva', _count: '20' }, 'a request for the word typed');
    onlyAfterPauses(fhir.queries.slice(0, -1).map((q) => q.name ?? ''), paused);
    if (paused.length === 0) assert.equal(fhir.queries.length, 1, 'without a pause, one request for the word typed');
    assert.deepEqual(await optionTexts(page), [
      'atorvastatin 20 mg Oral Tablet HMG-CoA reductase inhibitors (statins)',
      'atorvastatin 40 mg Oral Tablet HMG-CoA reductase inhibitors (statins)',
    ]);
    const violations = await axeViolations(page);
    assert.deepEqual(violations, [], describeViolations('medication picker, open', violations));
    await page.screenshot({ path: `${SCREENS}component-medication-picker.png` });
    await context.close();
  });

  it('sends a typed strength and form as their own parameters', async () => {
    const fhir = catalogue();
    const { context, page } = await harness.open('medicationpicker', fhir.handler);
    await page.getByRole('combobox', { name: 'Medication' }).focus();
    await page.keyboard.type('simvastatin 20 tab');
    await page.getByRole('option').first().waitFor();
    assert.deepEqual(fhir.queries.at(-1), { name: 'simvastatin', strength: '20', form: 'tab', _count: '20' });
    assert.deepEqual(await optionTexts(page), ['simvastatin 20 mg Oral Tablet HMG-CoA reductase inhibitors (statins)']);
    await context.close();
  });

  it('moves with the arrows, hands over the RxNorm Coding on Enter, and Escape keeps the choice', async () => {
    const fhir = catalogue();
    const { context, page } = await harness.open('medicationpicker', fhir.handler);
    const box = page.getByRole('combobox', { name: 'Medication' });
    await box.focus();
    await page.keyboard.type('simva');
    await page.getByRole('option').nth(1).waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    assert.deepEqual(await chosen(page), { system: RXNORM, code: '1790679', display: 'simvastatin 4 MG/ML Oral Suspension' });
    assert.equal(await box.inputValue(), 'simvastatin 4 MG/ML Oral Suspension');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('atorva');
    await page.getByRole('option').first().waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('option').first().waitFor({ state: 'hidden' });
    assert.equal(await box.inputValue(), 'simvastatin 4 MG/ML Oral Suspension', 'Escape restores the chosen drug');
    assert.deepEqual(await chosen(page), { system: RXNORM, code: '1790679', display: 'simvastatin 4 MG/ML Oral Suspension' });
    await context.close();
  });

  it('says when the search is refused, and when too little is typed', async () => {
    const fhir = catalogue(403);
    const { context, page } = await harness.open('medicationpicker', fhir.handler);
    await page.getByRole('combobox', { name: 'Medication' }).focus();
    await page.keyboard.type('a');
    await page.getByRole('status').filter({ hasText: 'at least 2 letters' }).waitFor();
    await page.keyboard.type('tor');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /Could not search the medication catalogue: Your access does not allow/);
    await context.close();
  });
});
