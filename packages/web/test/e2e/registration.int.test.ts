/**
 * Registering a patient end to end, in headless Chromium against a real server with a small demo
 * clinic, signed in as the front desk: from the Patients page to New patient, an empty form is
 * refused field by field before anything is sent; registering someone who is already there (a
 * demo patient's last name and birth date) shows that patient as a likely match and creates
 * nothing; a genuinely new person is created, with the insurance, in one transaction, and the app
 * goes to the new chart. The FHIR API then holds the Patient (names, MRN, race, ethnicity, gender
 * identity, language, telecom, address, emergency contact) and a Coverage whose beneficiary and
 * subscriber are that Patient. A physician, whose role may not write insurance, sees the server's
 * refusal beside the form, and the transaction leaves no Patient behind; the physician then opens
 * the new chart by its deep link (the front desk reads no clinical data, which the chart needs).
 * Screenshots (desktop 1366x900, tablet 820x1180) go to artifacts/screens/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Coverage, Organization, Patient } from '@medplum/fhirtypes';
import { desktopPage, noChromium, SCREENS, signIn, startWorkspace, unlabelled, type Workspace } from './workspace-fixture.ts';

const US_CORE = 'http://hl7.org/fhir/us/core/StructureDefinition';

describe('patient registration in Chromium', { skip: noChromium }, () => {
  let workspace: Workspace;

  before(async () => {
    workspace = await startWorkspace(8);
  });
  after(async () => {
    await workspace?.close();
  });

  it('checks the form, warns of a likely duplicate, and registers a new patient with insurance', async () => {
    const { origin, api } = workspace;
    const [existing] = await api<Patient>('Patient?_sort=family,given&_count=1');
    assert.ok(existing?.birthDate && existing.name?.[0]?.family, 'a demo patient with a last name and birth date');
    const existingName = [...(existing.name[0].given ?? []), existing.name[0].family].join(' ');
    const [insurer] = await api<Organization>('Organization?type=http://terminology.hl7.org/CodeSystem/organization-type|ins&_count=1');
    assert.ok(insurer?.id && insurer.name, 'the demo directory has an insurance company');
    const mrn = `T900-${String(Date.now()).slice(-7)}`;

    const { context, page } = await desktopPage(workspace);
    await page.goto(`${origin}/`);
    await page.getByLabel('User name').waitFor();
    // Registering is the front desk's work: a physician may edit demographics but not insurance.
    await signIn(page, 'demo.frontdesk');
    await page.getByLabel('Search patients').waitFor();
    await page.getByRole('link', { name: 'New patient' }).click();
    await page.waitForURL(`${origin}/patients/new`);
    const form = page.getByRole('form', { name: 'Register a patient' });
    await form.waitFor();
    assert.deepEqual(await unlabelled(page), [], 'every input of the registration form has a label');

    // Nothing is sent until the required fields are there; the first one missing gets the focus.
    await page.getByRole('button', { name: 'Register patient' }).click();
    await page.getByText('Enter the legal first name').waitFor();
    assert.ok(await page.getByText('4 fields need attention.').isVisible(), 'the form says how many fields need attention');
    assert.equal(await page.getByLabel('Legal first name').evaluate((e) => e === (e.ownerDocument.activeElement as unknown)), true, 'the first missing field has the focus');
    assert.equal(await page.getByLabel('Legal first name').getAttribute('aria-invalid'), 'true', 'and is marked invalid');

    // Someone already registered: same last name and birth date.
    await page.getByLabel('Legal first name').fill('Robin');
    await page.getByLabel('Legal last name').fill(existing.name[0].family);
    await page.getByLabel('Birth date').fill(existing.birthDate);
    await page.getByLabel('Administrative sex').selectOption('female');
    await page.getByLabel('MRN').fill(mrn);
    await page.getByRole('button', { name: 'Register patient' }).click();
    const review = page.getByRole('region', { name: 'Possible duplicates' });
    await review.waitFor();
    const reviewText = await review.innerText();
    assert.ok(reviewText.includes(existingName), `the demo patient is shown as a likely match: ${reviewText}`);
    assert.ok(reviewText.includes('name and birth date'), 'with why it matched');
    assert.ok(await review.getByRole('button', { name: `This is the same person — open ${existingName}'s chart` }).isVisible(), 'the match can be opened instead');
    assert.ok(await review.getByRole('button', { name: 'Create new patient anyway' }).isVisible(), 'a new patient needs an explicit confirmation');
    await page.screenshot({ path: `${SCREENS}registration-duplicate-desktop.png`, fullPage: true });
    assert.equal((await api<Patient>(`Patient?identifier=${mrn}`)).length, 0, 'nothing was created while the match is being reviewed');
    await review.getByRole('button', { name: 'Back to the form' }).click();

    // A genuinely new person, with every demographic, an emergency contact and insurance.
    const family = `Quintaval${String(Date.now()).slice(-4).replace(/\d/g, (d) => 'abcdefghij'[Number(d)]!)}`;
    await page.getByLabel('Legal first name').fill('Maria Luisa');
    await page.getByLabel('Legal last name').fill(family);
    await page.getByLabel('Preferred name').fill('Malu');
    await page.getByLabel('Birth date').fill('1979-04-12');
    await page.getByLabel('Gender identity').selectOption({ label: 'Identifies as female' });
    await page.getByLabel('White', { exact: true }).check();
    await page.getByLabel('Black or African American', { exact: true }).check();
    await page.getByLabel('Ethnicity').selectOption({ label: 'Hispanic or Latino' });
    await page.getByLabel('Preferred language').selectOption({ label: 'Spanish' });
    await page.getByLabel('Phone', { exact: true }).fill('541 555 0199');
    await page.getByLabel('Email', { exact: true }).fill(`malu.${family.toLowerCase()}@example.org`);
    await page.getByLabel('Street address').fill('12 Alder St');
    await page.getByLabel('City', { exact: true }).fill('Eugene');
    await page.getByLabel('State', { exact: true }).fill('OR');
    await page.getByLabel('ZIP code').fill('97401');
    await page.getByLabel('Emergency contact name').fill('Jorge Quintero');
    await page.getByLabel('Relationship to patient').fill('Spouse');
    await page.getByLabel('Emergency contact phone').fill('(541) 555-0142');
    await page.getByLabel('Insurance company', { exact: true }).selectOption(insurer.id);
    await page.getByLabel('Member id').fill('EHP7654321');
    await page.screenshot({ path: `${SCREENS}registration-form-desktop.png`, fullPage: true });
    await page.setViewportSize({ width: 820, height: 1180 });
    await page.getByRole('heading', { name: 'New patient' }).scrollIntoViewIfNeeded();
    await page.waitForTimeout(400); // the navigation folds away with a transition
    await page.screenshot({ path: `${SCREENS}registration-form-tablet.png`, fullPage: true });
    await page.setViewportSize({ width: 1366, height: 900 });
    // Submitted from the keyboard.
    await page.getByLabel('Member id').press('Enter');
    await page.waitForURL(/\/patients\/[^/]+\/summary$/);
    const id = /\/patients\/([^/]+)\/summary$/.exec(page.url())![1]!;
    // The front desk's role reads no clinical data: the chart opens all the same, with the
    // clinical sections marked as not available rather than "none recorded".
    await page.getByRole('region', { name: 'Patient banner' }).waitFor();
    assert.match(await page.getByRole('group', { name: 'Allergies' }).innerText(), /Not available to your role/, 'allergies are not shown as "none" to a role that may not read them');
    assert.match(await page.getByRole('region', { name: 'Active problems' }).innerText(), /Not available to your role/, 'nor problems');
    assert.match(await page.getByRole('region', { name: 'Upcoming appointments' }).innerText(), /No upcoming appointments/, 'scheduling, which the front desk may read, is shown');
    await context.close();

    // The physician opens the new chart by its deep link.
    const { context: physician, page: chart } = await desktopPage(workspace);
    await chart.goto(`${origin}/patients/${id}/summary`);
    await chart.getByLabel('User name').waitFor();
    await signIn(chart);
    await chart.getByRole('region', { name: 'Patient banner' }).waitFor();

    // The server's OperationOutcome shows beside the form, and nothing is half-created.
    await chart.goto(`${origin}/patients/new`);
    const refusedMrn = `T901-${mrn.slice(-7)}`;
    await chart.getByLabel('Legal first name').fill('Ada');
    await chart.getByLabel('Legal last name').fill(`${family}x`);
    await chart.getByLabel('Birth date').fill('1990-01-02');
    await chart.getByLabel('Administrative sex').selectOption('other');
    await chart.getByLabel('MRN').fill(refusedMrn);
    await chart.getByLabel('Insurance company', { exact: true }).selectOption(insurer.id);
    await chart.getByLabel('Member id').fill('EHP1111111');
    await chart.getByRole('button', { name: 'Register patient' }).click();
    const refusal = chart.getByRole('alert').filter({ hasText: 'The patient was not registered' });
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /Coverage/, 'the refusal names what was not allowed');
    await chart.screenshot({ path: `${SCREENS}registration-refused-desktop.png` });
    const box = await refusal.boundingBox();
    assert.ok(box && box.y >= 0 && box.y + box.height <= 900, `the refusal is scrolled into view (${JSON.stringify(box)})`);
    assert.equal((await api<Patient>(`Patient?identifier=${refusedMrn}`)).length, 0, 'the refused transaction created no Patient');

    await chart.goto(`${origin}/patients/${id}/summary`);
    const banner = chart.getByRole('region', { name: 'Patient banner' });
    await banner.getByRole('heading', { name: `Maria Luisa ${family}` }).waitFor();
    assert.ok((await banner.innerText()).includes(mrn), 'the new chart shows the MRN');
    await chart.screenshot({ path: `${SCREENS}registration-new-chart-desktop.png` });
    await physician.close();

    // What the FHIR API now holds.
    const [patient] = await api<Patient>(`Patient?identifier=${mrn}`);
    assert.equal(patient?.id, id, 'the new chart is the Patient with the MRN');
    assert.deepEqual(patient.name?.map((n) => [n.use, n.given?.join(' '), n.family]), [['official', 'Maria Luisa', family], ['usual', 'Malu', family]], 'legal and preferred names');
    const ext = (name: string) => patient.extension?.find((e) => e.url === `${US_CORE}/${name}`);
    assert.deepEqual(ext('us-core-race')?.extension?.filter((e) => e.url === 'ombCategory').map((e) => e.valueCoding?.code).sort(), ['2054-5', '2106-3'], 'OMB race categories');
    assert.equal(ext('us-core-ethnicity')?.extension?.find((e) => e.url === 'ombCategory')?.valueCoding?.code, '2135-2', 'OMB ethnicity');
    assert.equal(ext('us-core-genderIdentity')?.valueCodeableConcept?.coding?.[0]?.code, '446141000124107', 'gender identity');
    assert.equal(patient.communication?.[0]?.language.coding?.[0]?.code, 'es', 'preferred language, BCP-47');
    assert.deepEqual(patient.telecom?.map((t) => [t.system, t.value]), [['phone', '(541) 555-0199'], ['email', `malu.${family.toLowerCase()}@example.org`]], 'phone and email');
    assert.equal(patient.address?.[0]?.postalCode, '97401', 'the address');
    assert.equal(patient.contact?.[0]?.relationship?.[0]?.coding?.[0]?.code, 'C', 'an emergency contact');
    assert.equal(patient.contact?.[0]?.telecom?.[0]?.value, '(541) 555-0142', "with the contact's phone");
    const coverages = await api<Coverage>(`Coverage?beneficiary=Patient/${id}`);
    assert.equal(coverages.length, 1, 'one Coverage for the new patient');
    const coverage = coverages[0]!;
    assert.equal(coverage.beneficiary.reference, `Patient/${id}`, 'its beneficiary is the new Patient (the urn:uuid resolved)');
    assert.equal(coverage.subscriber?.reference, `Patient/${id}`, 'who is also the subscriber');
    assert.equal(coverage.relationship?.coding?.[0]?.code, 'self', 'relationship self');
    assert.equal(coverage.payor[0]?.reference, `Organization/${insurer.id}`, 'paid by the chosen insurer');
    assert.equal(coverage.subscriberId, 'EHP7654321', 'the member id');
  });
});
