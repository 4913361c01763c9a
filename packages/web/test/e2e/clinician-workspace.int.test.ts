/**
 * The clinician workspace end to end, in headless Chromium against a real server with a small
 * demo clinic: sign in on the server's login page as the demo physician (no consent screen for
 * the first-party app), find a patient by typing part of the name, open the chart, and check the
 * banner and every summary card against what the FHIR API returns for that patient. A deep-link
 * reload lands on the same chart; every input has a label; the CSP reports nothing; sign-out
 * ends the session. Screenshots (desktop 1366x900, tablet 820x1180) go to artifacts/screens/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AllergyIntolerance, Appointment, CodeableConcept, Condition, Immunization, MedicationRequest, Observation, Patient, Resource } from '@medplum/fhirtypes';
import { desktopPage, noChromium, SCREENS, signIn, startWorkspace, unlabelled, type Workspace } from './workspace-fixture.ts';

/** What the screen should show for a concept (the same rule as the app's, restated). */
const text = (c: CodeableConcept | undefined): string => c?.text ?? c?.coding?.find((x) => x.display)?.display ?? c?.coding?.[0]?.code ?? 'Unspecified';
/** The vital signs by the names of the FHIR R4 vital signs profiles (hl7.org/fhir/R4/observation-vitalsigns.html). */
const VITAL_PROFILE_NAMES: Record<string, string> = {
  '85354-9': 'Blood pressure', '8867-4': 'Heart rate', '9279-1': 'Respiratory rate', '8310-5': 'Body temperature',
  '2708-6': 'Oxygen saturation', '59408-5': 'Oxygen saturation', '29463-7': 'Body weight', '8302-2': 'Body height', '39156-5': 'BMI',
  '8480-6': 'Systolic blood pressure', '8462-4': 'Diastolic blood pressure',
};
const vitalText = (c: CodeableConcept): string => c.coding?.map((x) => VITAL_PROFILE_NAMES[x.code ?? '']).find(Boolean) ?? text(c);

describe('clinician workspace in Chromium', { skip: noChromium }, () => {
  let workspace: Workspace;
  let origin: string;
  const api = async <T extends Resource>(path: string): Promise<T[]> => workspace.api<T>(path);

  before(async () => {
    workspace = await startWorkspace();
    origin = workspace.origin;
  });
  after(async () => {
    await workspace?.close();
  });

  /** The patient with the most to show: active problems and labs, allergies when any has them. */
  async function pickPatient(): Promise<Patient> {
    const base = '_has:Condition:patient:clinical-status=active&_has:Observation:patient:category=laboratory&_sort=family,given&_count=1';
    const [withAllergy] = await api<Patient>(`Patient?${base}&_has:AllergyIntolerance:patient:clinical-status=active`);
    const patient = withAllergy ?? (await api<Patient>(`Patient?${base}`))[0];
    assert.ok(patient, 'the demo has a patient with problems and labs');
    return patient;
  }

  it('signs in, finds a patient, and shows the chart the API describes', async () => {
    const patient = await pickPatient();
    const id = patient.id!;
    const family = patient.name?.[0]?.family ?? '';
    const fullName = [...(patient.name?.[0]?.given ?? []), family].join(' ');
    const mrn = patient.identifier?.find((i) => i.type?.coding?.some((c) => c.code === 'MR'))?.value ?? '';
    const today = new Date().toISOString().slice(0, 10);
    const [allergies, problems, meds, immunizations, vitals, labs, appointments] = await Promise.all([
      api<AllergyIntolerance>(`AllergyIntolerance?patient=${id}&clinical-status=active&_count=50`),
      api<Condition>(`Condition?patient=${id}&clinical-status=active&_count=100`),
      api<MedicationRequest>(`MedicationRequest?patient=${id}&status=active&_count=100`),
      api<Immunization>(`Immunization?patient=${id}&_sort=-date&_count=8`),
      api<Observation>(`Observation?patient=${id}&category=vital-signs&_sort=-date&_count=100`),
      api<Observation>(`Observation?patient=${id}&category=laboratory&_sort=-date&_count=12`),
      api<Appointment>(`Appointment?patient=${id}&date=ge${today}&status=proposed,pending,booked,arrived,checked-in&_sort=date&_count=5`),
    ]);

    const { context, page } = await desktopPage(workspace);
    const cspErrors: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });

    // The app sends an unsigned-in visitor to the server's login page, and back.
    await page.goto(`${origin}/`);
    await page.getByLabel('User name').waitFor();
    assert.equal(new URL(page.url()).pathname.startsWith('/auth/interaction/'), true, `the login page (${page.url()})`);
    await page.screenshot({ path: `${SCREENS}sign-in-desktop.png` });
    await signIn(page);
    const search = page.getByLabel('Search patients');
    await search.waitFor();
    assert.equal(new URL(page.url()).pathname, '/', 'back in the app, with no consent screen for the first-party app');
    assert.deepEqual(await unlabelled(page), [], 'every input of the search page has a label');

    // Search as you type, by part of the family name.
    await search.pressSequentially(family.slice(0, Math.min(4, family.length)), { delay: 40 });
    const result = page.getByRole('link', { name: fullName });
    await result.waitFor();
    await page.screenshot({ path: `${SCREENS}patient-search-desktop.png` });
    // The same search by MRN finds the same patient.
    await search.fill(mrn);
    await page.getByRole('link', { name: fullName }).waitFor();
    await page.getByRole('link', { name: fullName }).click();
    await page.waitForURL(`${origin}/patients/${id}/summary`);

    // The banner.
    const banner = page.getByRole('region', { name: 'Patient banner' });
    await banner.waitFor();
    const bannerText = await banner.innerText();
    assert.ok(bannerText.includes(fullName), `the banner names the patient: ${bannerText}`);
    assert.ok(bannerText.includes(mrn), `the banner shows the MRN ${mrn}`);
    assert.ok(bannerText.toLowerCase().includes(patient.gender ?? 'unknown'), `the banner shows the sex (${patient.gender})`);
    const years = Math.floor((Date.now() - new Date(`${patient.birthDate}T00:00:00`).getTime()) / (365.2425 * 86400_000));
    assert.ok(bannerText.includes(years >= 2 ? `${years} y` : ' mo'), `the banner shows the age (${years})`);
    for (const gp of patient.generalPractitioner ?? []) assert.ok(bannerText.includes(gp.display ?? '???'), `the banner shows the primary care provider ${gp.display}`);
    for (const a of allergies) assert.ok(bannerText.includes(text(a.code)), `the banner lists the allergy ${text(a.code)}`);
    if (allergies.length === 0) assert.ok(bannerText.includes('No allergies recorded'), 'the banner says there are no allergies');

    // The summary cards.
    const card = async (name: string): Promise<string> => page.getByRole('region', { name }).innerText();
    const problemsText = await card('Active problems');
    for (const c of problems) assert.ok(problemsText.includes(text(c.code)), `problem ${text(c.code)} is listed`);
    const medsText = await card('Active medications');
    for (const m of meds) assert.ok(medsText.includes(m.medicationCodeableConcept ? text(m.medicationCodeableConcept) : (m.medicationReference?.display ?? '')), 'every active medication is listed');
    if (meds.length === 0) assert.ok(medsText.includes('No active medications'), 'no medications, said so');
    const allergyText = await card('Allergies');
    for (const a of allergies) assert.ok(allergyText.includes(text(a.code)), `allergy ${text(a.code)} is listed`);
    const immText = await card('Immunizations');
    for (const i of immunizations) assert.ok(immText.includes(text(i.vaccineCode)), `immunization ${text(i.vaccineCode)} is listed`);
    const vitalsText = await card('Latest vitals');
    const latest = new Map<string, Observation>();
    for (const o of vitals) if (!latest.has(o.code.coding?.[0]?.code ?? text(o.code))) latest.set(o.code.coding?.[0]?.code ?? text(o.code), o);
    for (const o of latest.values()) assert.ok(vitalsText.includes(vitalText(o.code)), `vital ${vitalText(o.code)} is shown (${text(o.code)} in the record)`);
    assert.ok([...latest.values()].some((o) => o.code.coding?.some((c) => c.code === '85354-9')), 'the demo patient has a blood pressure panel');
    assert.ok(!vitalsText.includes('all children optional'), 'by the names clinicians use, not LOINC\'s long names');
    assert.equal(await page.getByRole('table', { name: 'Latest vitals' }).getByRole('row').count(), latest.size, 'one row per vital sign: the latest');
    const labsTable = page.getByRole('table', { name: 'Recent labs' });
    assert.equal(await labsTable.getByRole('row').count(), labs.length, 'one row per recent lab result');
    const flagged = (codes: string[]) => labs.filter((o) => (o.interpretation ?? []).some((i) => i.coding?.some((c) => codes.includes(c.code ?? '')))).length;
    assert.equal(await labsTable.locator('[data-flag="H"]').count(), flagged(['H', 'HH', 'HU']), 'high results are flagged H');
    assert.equal(await labsTable.locator('[data-flag="L"]').count(), flagged(['L', 'LL', 'LU']), 'low results are flagged L');
    const apptText = await card('Upcoming appointments');
    if (appointments.length === 0) assert.ok(apptText.includes('No upcoming appointments'), 'no appointments, said so');
    else assert.equal(await page.getByRole('region', { name: 'Upcoming appointments' }).getByRole('listitem').count(), appointments.length, 'every upcoming appointment is listed');
    assert.deepEqual(await unlabelled(page), [], 'every input of the chart has a label');
    await page.screenshot({ path: `${SCREENS}chart-summary-desktop.png`, fullPage: true });

    // A deep link survives a reload (here at tablet width): a silent sign-in through the server
    // session, then the same chart.
    await page.setViewportSize({ width: 820, height: 1180 });
    await page.reload();
    await page.getByRole('region', { name: 'Patient banner' }).getByRole('heading', { name: fullName }).waitFor();
    assert.equal(page.url(), `${origin}/patients/${id}/summary`, 'the reload lands on the same chart');
    await page.getByRole('region', { name: 'Recent labs' }).waitFor();
    assert.equal(await page.getByRole('navigation', { name: 'Main' }).isVisible() && (await page.getByRole('navigation', { name: 'Main' }).boundingBox())!.x >= 0, false, 'the navigation folds away at tablet width');
    await page.screenshot({ path: `${SCREENS}chart-summary-tablet.png`, fullPage: true });
    assert.deepEqual(cspErrors, [], 'the Content-Security-Policy blocked nothing');

    // Sign out: the token is revoked and the server session ends; the app asks to sign in again.
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.getByRole('button', { name: 'Sign out' }).click();
    // The app revokes the token, then goes to the server's sign-out page, which asks to confirm.
    // Until it has gone, the app's own button still matches: a second click there would start a
    // second sign-out racing the first.
    await page.waitForURL(/\/oauth\/session\/end/);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('User name').waitFor();
    await context.close();
  });
});
