/**
 * The chart's clinical lists end to end, in headless Chromium against a real server with a small
 * demo clinic, signed in as the demo physician. An allergy is added with the RxNorm picker from
 * the keyboard, shows in the list and the banner, and is stored coded with the physician as
 * recorder (and a Provenance for its version); a problem is added from ICD-10-CM, shows in the
 * summary, is resolved and leaves it; its history names both versions, who and what changed; a
 * reported medication is added and discontinued; an immunization is added from CVX; and an edit
 * of an allergy someone else changed meanwhile shows the conflict dialog while the server copy
 * stays theirs. Every expectation is read back from the FHIR API. Screenshots of each list and
 * the add form go to artifacts/screens/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AllergyIntolerance, Condition, Immunization, MedicationStatement, Patient, Practitioner, Provenance, ValueSet } from '@medplum/fhirtypes';
import type { BrowserContext, Page } from 'playwright-core';
import { clientCredentialsToken, TEST_CLIENT } from '../../../server/test/fixtures/server.ts';
import { desktopPage, noChromium, SCREENS, signIn, startWorkspace, unlabelled, type Workspace } from './workspace-fixture.ts';

const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const ICD = 'http://hl7.org/fhir/sid/icd-10-cm';
const CVX = 'http://hl7.org/fhir/sid/cvx';

const localToday = (): string => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

describe('clinical lists in Chromium', { skip: noChromium }, () => {
  let workspace: Workspace;
  let token: string;
  let patient: Patient;
  let context: BrowserContext;
  let page: Page;
  let physicianName: string;
  let addedAllergy: string;

  before(async () => {
    workspace = await startWorkspace(4);
    token = await clientCredentialsToken(workspace.origin, TEST_CLIENT);
    patient = (await workspace.api<Patient>('Patient?_count=1&_sort=_id'))[0]!;
    ({ context, page } = await desktopPage(workspace));
    await page.goto(`${workspace.origin}/patients/${patient.id}/allergies`);
    await signIn(page);
    await page.waitForURL(`${workspace.origin}/patients/${patient.id}/allergies`);
    await page.getByRole('table', { name: 'Allergies and intolerances' }).or(page.getByText('No allergies recorded.')).first().waitFor();
  });
  after(async () => {
    await context?.close();
    await workspace?.close();
  });

  async function expand(system: string, filter: string): Promise<{ code: string; display: string }[]> {
    const vs = await workspace.read<ValueSet>(`ValueSet/$expand?url=${encodeURIComponent(`${system}?fhir_vs`)}&filter=${encodeURIComponent(filter)}`);
    return vs.expansion!.contains!.map((c) => ({ code: c.code!, display: c.display! }));
  }

  async function put<T extends { resourceType: string; id?: string }>(resource: T): Promise<T> {
    const res = await fetch(`${workspace.origin}/fhir/${resource.resourceType}/${resource.id}`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' }, body: JSON.stringify(resource) });
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as T;
  }

  /** Opens a row's action menu and picks an action. */
  async function act(name: string, action: string): Promise<void> {
    await page.getByRole('button', { name: `Actions for ${name}` }).click();
    await page.getByRole('menuitem', { name: action }).click();
  }

  it('adds an allergy with the RxNorm picker from the keyboard; list, banner and API agree', async () => {
    const matches = await expand(RXNORM, 'amoxicillin 250');
    const pick = matches[1]!;
    await page.getByRole('button', { name: 'Add allergy' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add allergy' });
    await dialog.waitFor();
    await dialog.getByRole('combobox', { name: 'Substance' }).focus();
    await page.keyboard.type('amoxicillin 250');
    await page.getByRole('listbox').getByRole('option').first().waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    assert.equal(await dialog.getByRole('combobox', { name: 'Substance' }).inputValue(), pick.display);
    await dialog.getByLabel('Criticality').selectOption('high');
    await dialog.getByLabel('Reaction', { exact: true }).fill('Hives');
    await dialog.getByLabel('Reaction severity').selectOption('moderate');
    assert.deepEqual(await unlabelled(page), []);
    await page.screenshot({ path: `${SCREENS}lists-allergy-add-form.png` });
    await dialog.getByRole('button', { name: 'Add allergy' }).click();
    await dialog.waitFor({ state: 'detached' });

    const table = page.getByRole('table', { name: 'Allergies and intolerances' });
    const row = table.getByRole('row').filter({ hasText: pick.display });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /Hives \(moderate\)/);
    assert.match((await row.textContent()) ?? '', /High risk/);
    const banner = page.getByRole('group', { name: 'Allergies' });
    await banner.getByText(`${pick.display} (high risk)`).waitFor();
    await page.screenshot({ path: `${SCREENS}lists-allergies.png` });

    const stored = (await workspace.api<AllergyIntolerance>(`AllergyIntolerance?patient=${patient.id}&code=${encodeURIComponent(`${RXNORM}|${pick.code}`)}`))[0];
    assert.ok(stored, 'stored, coded RxNorm');
    addedAllergy = stored.id!;
    assert.deepEqual(stored.code?.coding?.[0], { system: RXNORM, code: pick.code, display: pick.display });
    assert.equal(stored.criticality, 'high');
    assert.equal(stored.clinicalStatus?.coding?.[0]?.code, 'active');
    assert.equal(stored.reaction?.[0]?.severity, 'moderate');
    const recorder = stored.recorder?.reference ?? '';
    assert.match(recorder, /^Practitioner\//);
    const practitioner = await workspace.read<Practitioner>(recorder);
    physicianName = [...(practitioner.name?.[0]?.given ?? []), practitioner.name?.[0]?.family].join(' ');
    await page.getByRole('banner').getByText(physicianName).waitFor();
    const provenance = await workspace.api<Provenance>(`Provenance?target=AllergyIntolerance/${stored.id}`);
    assert.ok(provenance.some((p) => p.target[0]?.reference === `AllergyIntolerance/${stored.id}/_history/1` && p.agent[0]?.who?.reference === recorder));
  });

  it('adds a problem from ICD-10-CM, shows it in the summary, resolves it, and shows its history', async () => {
    const [essential] = await expand(ICD, 'lesion of plantar nerve');
    await page.getByRole('tab', { name: 'Problems' }).click();
    await page.waitForURL(`${workspace.origin}/patients/${patient.id}/problems`);
    await page.getByRole('button', { name: 'Add problem' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add problem' });
    await dialog.getByRole('combobox', { name: 'Problem' }).fill('lesion of plantar nerve');
    await page.getByRole('listbox').getByRole('option').first().waitFor();
    await page.keyboard.press('Enter');
    await dialog.getByLabel('Onset date').fill('2020-03-15');
    await page.screenshot({ path: `${SCREENS}lists-problem-add-form.png` });
    await dialog.getByRole('button', { name: 'Add problem' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.getByRole('table', { name: 'Problem list' }).getByRole('row').filter({ hasText: essential!.display });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', new RegExp(essential!.code.replace('.', '\\.')));
    await page.screenshot({ path: `${SCREENS}lists-problems.png` });

    const [stored] = await workspace.api<Condition>(`Condition?patient=${patient.id}&code=${encodeURIComponent(`${ICD}|${essential!.code}`)}`);
    assert.equal(stored?.category?.[0]?.coding?.[0]?.code, 'problem-list-item');
    assert.equal(stored?.onsetDateTime, '2020-03-15');
    assert.match(stored?.asserter?.reference ?? '', /^Practitioner\//);

    await page.getByRole('tab', { name: 'Summary' }).click();
    const problems = page.getByRole('region', { name: 'Active problems' });
    await problems.getByText(essential!.display).waitFor();

    await page.getByRole('tab', { name: 'Problems' }).click();
    await act(essential!.display, 'Resolve');
    const resolve = page.getByRole('dialog', { name: /^Resolve problem/ });
    assert.equal(await resolve.getByLabel('Resolved on').inputValue(), localToday());
    await resolve.getByRole('button', { name: 'Resolve' }).click();
    await resolve.waitFor({ state: 'detached' });
    await row.getByText('Resolved', { exact: true }).waitFor();
    const after = await workspace.read<Condition>(`Condition/${stored.id}`);
    assert.equal(after.clinicalStatus?.coding?.[0]?.code, 'resolved');
    assert.equal(after.abatementDateTime, localToday());
    assert.equal(after.meta?.versionId, '2');

    await act(essential!.display, 'History');
    const drawer = page.getByRole('dialog', { name: `History: ${essential!.display}` });
    const v2 = drawer.getByRole('listitem', { name: 'Version 2' });
    await v2.waitFor();
    const v2text = (await v2.textContent()) ?? '';
    assert.match(v2text, /Clinical status: Active → Resolved/);
    assert.match(v2text, new RegExp(`by ${physicianName}`));
    const v1text = (await drawer.getByRole('listitem', { name: 'Version 1' }).textContent()) ?? '';
    assert.match(v1text, /Recorded/);
    assert.match(v1text, new RegExp(`Problem: ${essential!.display}`));
    await page.waitForTimeout(400); // the drawer's slide-in
    await page.screenshot({ path: `${SCREENS}lists-problem-history.png` });
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });

    await page.getByRole('tab', { name: 'Summary' }).click();
    await problems.waitFor();
    assert.equal(await problems.getByText(essential!.display).count(), 0, 'a resolved problem leaves the summary');
  });

  it('adds a reported medication and discontinues it with a reason', async () => {
    const [drug] = await expand(RXNORM, 'lisinopril 10');
    await page.getByRole('tab', { name: 'Medications' }).click();
    await page.getByRole('button', { name: 'Add reported medication' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add reported medication' });
    await dialog.getByRole('combobox', { name: 'Medication' }).fill('lisinopril 10');
    await page.getByRole('listbox').getByRole('option').first().waitFor();
    await page.keyboard.press('Enter');
    await dialog.getByRole('button', { name: 'Add medication' }).click();
    await dialog.getByText('Enter how it is taken').waitFor();
    await dialog.getByLabel('How it is taken').fill('1 tablet by mouth daily');
    await dialog.getByLabel('Start date').fill('2024-01-10');
    await page.screenshot({ path: `${SCREENS}lists-medication-add-form.png` });
    await dialog.getByRole('button', { name: 'Add medication' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.getByRole('table', { name: 'Medications' }).getByRole('row').filter({ hasText: drug!.display }).filter({ hasText: 'Reported' });
    await row.waitFor();
    await page.screenshot({ path: `${SCREENS}lists-medications.png` });

    await act(drug!.display, 'Discontinue');
    const stop = page.getByRole('dialog', { name: /^Discontinue/ });
    await stop.getByLabel('Reason').fill('Cough');
    await stop.getByRole('button', { name: 'Discontinue' }).click();
    await stop.waitFor({ state: 'detached' });
    await row.getByText('Stopped', { exact: true }).waitFor();
    const [stored] = await workspace.api<MedicationStatement>(`MedicationStatement?patient=${patient.id}&code=${encodeURIComponent(`${RXNORM}|${drug!.code}`)}`);
    assert.equal(stored?.status, 'stopped');
    assert.equal(stored?.statusReason?.[0]?.text, 'Cough');
    assert.deepEqual(stored?.effectivePeriod, { start: '2024-01-10', end: localToday() });
    assert.equal(stored?.dosage?.[0]?.text, '1 tablet by mouth daily');
    assert.match(stored?.informationSource?.reference ?? '', /^Practitioner\//);
  });

  it('adds an immunization from CVX with lot, site and route', async () => {
    const [vaccine] = await expand(CVX, 'influenza');
    await page.getByRole('tab', { name: 'Immunizations' }).click();
    await page.getByRole('button', { name: 'Add immunization' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add immunization' });
    await dialog.getByRole('combobox', { name: 'Vaccine' }).fill('influenza');
    await page.getByRole('listbox').getByRole('option').first().waitFor();
    await page.keyboard.press('Enter');
    await dialog.getByLabel('Date given').fill('2025-10-01');
    await dialog.getByLabel('Lot number').fill('FLU123');
    await dialog.getByLabel('Site').selectOption('LD');
    await dialog.getByLabel('Route').selectOption('IM');
    assert.deepEqual(await unlabelled(page), []);
    await page.screenshot({ path: `${SCREENS}lists-immunization-add-form.png` });
    await dialog.getByRole('button', { name: 'Add immunization' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('table', { name: 'Immunizations' }).getByRole('row').filter({ hasText: 'Lot FLU123' }).waitFor();
    await page.screenshot({ path: `${SCREENS}lists-immunizations.png` });
    const stored = (await workspace.api<Immunization>(`Immunization?patient=${patient.id}&vaccine-code=${encodeURIComponent(`${CVX}|${vaccine!.code}`)}`)).find((i) => i.lotNumber === 'FLU123');
    assert.ok(stored);
    assert.equal(stored.status, 'completed');
    assert.equal(stored.occurrenceDateTime, '2025-10-01');
    assert.equal(stored.site?.coding?.[0]?.code, 'LD');
    assert.equal(stored.route?.coding?.[0]?.code, 'IM');
    assert.equal(stored.primarySource, true);
  });

  it('shows a conflict when the allergy changed since it was opened, and never overwrites', async () => {
    await page.getByRole('tab', { name: 'Allergies' }).click();
    const allergy = await workspace.read<AllergyIntolerance>(`AllergyIntolerance/${addedAllergy}`);
    const name = allergy.code!.text!;
    await act(name, 'Edit');
    const dialog = page.getByRole('dialog', { name: `Edit allergy: ${name}` });
    await dialog.waitFor();
    // Someone else lowers the criticality meanwhile.
    const theirs = await put({ ...allergy, criticality: 'low' as const });
    assert.equal(theirs.meta?.versionId, String(Number(allergy.meta!.versionId) + 1));
    await dialog.getByLabel('Reaction', { exact: true }).fill('Rash');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    const conflict = page.getByRole('dialog', { name: 'This allergy was changed by someone else' });
    await conflict.getByText('This allergy was changed by someone else since you opened it').waitFor();
    await conflict.getByText('Criticality: High risk → Low risk').waitFor();
    await page.waitForTimeout(400); // the dialog's fade-in
    await page.screenshot({ path: `${SCREENS}lists-allergy-conflict.png` });
    const server = await workspace.read<AllergyIntolerance>(`AllergyIntolerance/${allergy.id}`);
    assert.equal(server.meta?.versionId, theirs.meta?.versionId, 'no new version');
    assert.equal(server.criticality, 'low');
    assert.equal(server.reaction?.[0]?.manifestation[0]?.text, 'Hives', 'the stale edit did not land');
    await conflict.getByRole('button', { name: 'Reload' }).click();
    await conflict.waitFor({ state: 'detached' });
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('table', { name: 'Allergies and intolerances' }).getByRole('row').filter({ hasText: name }).getByText('Low risk').waitFor();
  });

  it('fits a tablet (768 px wide): the list scrolls inside its card, the page does not', async () => {
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.getByRole('tab', { name: 'Problems' }).click();
    await page.getByRole('table', { name: 'Problem list' }).waitFor();
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
    await page.screenshot({ path: `${SCREENS}lists-problems-tablet.png` });
    await page.getByRole('button', { name: 'Add problem' }).click();
    await page.getByRole('dialog', { name: 'Add problem' }).getByRole('combobox', { name: 'Problem' }).waitFor();
    await page.waitForTimeout(400);
    await page.screenshot({ path: `${SCREENS}lists-problem-add-form-tablet.png` });
    await page.keyboard.press('Escape');
    await page.setViewportSize({ width: 1366, height: 900 });
  });
});
