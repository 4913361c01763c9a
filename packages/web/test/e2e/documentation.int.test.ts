/**
 * Documentation end to end, in headless Chromium against a real server with a small demo clinic,
 * signed in as the physician: start an encounter from the chart; record vitals (an implausible
 * value is refused in the form first), checked through the FHIR API — codes, UCUM units, values,
 * the encounter, in one go; write a SOAP note from its template, reload to find the autosaved
 * draft, sign it and see it locked; add an addendum and sign it; the note's page shows the signed
 * text unchanged with the addendum under it. Through the API: the signed Composition is final,
 * attested, with the text as typed; the addendum appends to it; an edit of the signed note is
 * refused. Screenshots (vitals form, note editor, signed note with addendum; desktop and tablet)
 * go to artifacts/screens/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Composition, DocumentReference, Encounter, Observation, Patient } from '@medplum/fhirtypes';
import type { Page } from 'playwright-core';
import { clientCredentialsToken, TEST_CLIENT } from '../../../server/test/fixtures/server.ts';
import { desktopPage, noChromium, SCREENS, signIn, startWorkspace, unlabelled, type Workspace } from './workspace-fixture.ts';

const SUBJECTIVE = 'Dry cough for three days. No fever.\nSleeping poorly <not> "wheezy".';
const ASSESSMENT = 'Viral upper respiratory infection';
const PLAN = 'Fluids, rest; return if short of breath.';
const ADDENDUM = 'Rapid strep test came back negative.';
const OBJECTIVE = 'Chest clear.';
/** The vitals the test records, as the note's Objective takes them in (100.4 °F is 38 °C). */
const VITALS_LINE = 'Vitals: BP 130/84 mmHg · HR 76 /min · RR 16 /min · T 38 °C · SpO2 97 % · Wt 72.5 kg · Ht 170 cm · BMI 25.1 kg/m²';

describe('documentation in Chromium', { skip: noChromium }, () => {
  let workspace: Workspace;

  before(async () => {
    workspace = await startWorkspace(6);
  });
  after(async () => {
    await workspace?.close();
  });

  async function textOf(page: Page, selector: string): Promise<string> {
    return (await page.locator(selector).allInnerTexts()).join('\n');
  }

  it('starts an encounter, records vitals, writes, signs and adds to a note', async () => {
    const { origin, api, read } = workspace;
    const [patient] = await api<Patient>('Patient?_sort=family&_count=1');
    assert.ok(patient?.id);
    const id = patient.id;
    const { context, page } = await desktopPage(workspace);

    // The notes tab, by deep link: no encounter yet, so no note can be started.
    await page.goto(`${origin}/patients/${id}/notes`);
    await signIn(page);
    await page.waitForURL(`${origin}/patients/${id}/notes`);
    await page.getByText('No encounter in progress').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Write note' }).isDisabled(), true, 'a note needs an encounter');

    // Notes of earlier visits (DocumentReferences) are listed, and open as text.
    const documents = await api<DocumentReference>(`DocumentReference?patient=${id}&_sort=-date&_count=100`);
    assert.ok(documents.length > 0, 'the demo patient has notes of earlier visits');
    const list = page.getByRole('table', { name: 'Notes' });
    await list.locator('tr[data-note]').first().waitFor();
    assert.deepEqual(await list.locator('tr[data-note]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-note'))), documents.map((d) => `doc-${d.id!}`), 'every document, newest first');
    await list.locator(`tr[data-note="doc-${documents[0]!.id!}"] a`).click();
    await page.waitForURL(`${origin}/patients/${id}/notes/doc-${documents[0]!.id!}`);
    const docText = Buffer.from(documents[0]!.content[0]!.attachment.data!, 'base64').toString('utf8');
    assert.equal(await page.locator('.note-text').innerText(), docText.trimEnd(), 'the document text as stored');
    await page.getByRole('link', { name: '← All notes' }).click();
    await page.waitForURL(`${origin}/patients/${id}/notes`);

    // Start the encounter.
    await page.getByRole('button', { name: 'Start encounter' }).click();
    const dialog = page.getByRole('dialog', { name: 'Start encounter' });
    await dialog.getByLabel('Visit type').click();
    await page.getByRole('option', { name: 'Follow-up visit' }).click();
    await dialog.getByLabel('Reason for visit').fill('Cough');
    await dialog.getByRole('button', { name: 'Start encounter' }).click();
    await page.getByText('Encounter in progress: Follow-up visit · Cough').waitFor();
    const [encounter] = await api<Encounter>(`Encounter?patient=${id}&status=in-progress`);
    assert.ok(encounter?.id, 'the encounter is in the record, in progress');
    assert.equal(encounter.class.code, 'AMB');
    assert.equal(encounter.type?.[0]?.coding?.[0]?.code, '390906007');
    assert.equal(encounter.reasonCode?.[0]?.text, 'Cough');
    assert.ok(encounter.period?.start && Date.now() - Date.parse(encounter.period.start) < 10 * 60_000, 'it started now');
    const me = encounter.participant?.[0]?.individual?.reference;
    assert.match(me ?? '', /^Practitioner\//, 'the physician takes part');

    // Vitals: a typo is refused in the form, then the set is saved.
    await page.getByRole('tab', { name: 'Vitals' }).click();
    await page.getByRole('link', { name: 'Record vitals' }).click();
    await page.waitForURL(`${origin}/patients/${id}/vitals/new`);
    await page.getByLabel('Systolic BP').fill('1300');
    await page.getByLabel('Diastolic BP').fill('84');
    await page.getByLabel('Heart rate').fill('76');
    await page.getByLabel('Respiratory rate').fill('16');
    await page.getByLabel('Temperature', { exact: true }).fill('100.4');
    await page.getByRole('radiogroup', { name: 'Temperature unit' }).getByText('°F').click();
    await page.getByLabel('Oxygen saturation (SpO₂)').fill('97');
    await page.getByLabel('Weight', { exact: true }).fill('72.5');
    await page.getByLabel('Height', { exact: true }).fill('170');
    // Taken half an hour ago (a local time, as the browser's field takes it; same machine, same zone).
    const taken = new Date(Date.now() - 30 * 60_000);
    const pad = (n: number) => String(n).padStart(2, '0');
    const takenLocal = `${taken.getFullYear()}-${pad(taken.getMonth() + 1)}-${pad(taken.getDate())}T${pad(taken.getHours())}:${pad(taken.getMinutes())}`;
    await page.getByLabel('Taken at').fill(takenLocal);
    await page.getByText('25.1 kg/m²').waitFor();
    assert.deepEqual(await unlabelled(page), [], 'every input of the vitals form has a label');
    await page.getByRole('button', { name: 'Save vitals' }).click();
    await page.getByText('Systolic pressure must be between 40 and 300 mmHg').waitFor();
    assert.equal((await api<Observation>(`Observation?encounter=${encounter.id}`)).length, 0, 'nothing was saved');
    await page.getByLabel('Systolic BP').fill('130');
    await page.screenshot({ path: `${SCREENS}documentation-vitals-form.png`, fullPage: true });
    await page.getByRole('button', { name: 'Save vitals' }).click();
    await page.waitForURL(`${origin}/patients/${id}/vitals`);
    await page.getByText('8 measurements were recorded').waitFor();

    const vitals = await api<Observation>(`Observation?encounter=${encounter.id}&_count=50`);
    const byCode = new Map(vitals.map((o) => [o.code.coding?.[0]?.code, o]));
    assert.deepEqual([...byCode.keys()].sort(), ['2708-6', '29463-7', '39156-5', '8302-2', '8310-5', '85354-9', '8867-4', '9279-1']);
    const bp = byCode.get('85354-9')!;
    assert.deepEqual(bp.component?.map((c) => [c.code.coding?.[0]?.code, c.valueQuantity?.value, c.valueQuantity?.code]), [['8480-6', 130, 'mm[Hg]'], ['8462-4', 84, 'mm[Hg]']]);
    const q = (code: string) => [byCode.get(code)?.valueQuantity?.value, byCode.get(code)?.valueQuantity?.system, byCode.get(code)?.valueQuantity?.code];
    const UCUM = 'http://unitsofmeasure.org';
    assert.deepEqual(q('8867-4'), [76, UCUM, '/min']);
    assert.deepEqual(q('9279-1'), [16, UCUM, '/min']);
    assert.deepEqual(q('8310-5'), [38, UCUM, 'Cel'], '100.4 °F is 38 °C');
    assert.deepEqual(q('2708-6'), [97, UCUM, '%']);
    assert.deepEqual(q('29463-7'), [72.5, UCUM, 'kg']);
    assert.deepEqual(q('8302-2'), [170, UCUM, 'cm']);
    assert.deepEqual(q('39156-5'), [25.1, UCUM, 'kg/m2'], '72.5 / 1.7² = 25.09');
    assert.ok(byCode.get('2708-6')!.code.coding?.some((c) => c.code === '59408-5'), 'SpO2 also carries the pulse oximetry code 59408-5');
    const times = new Set(vitals.map((o) => o.effectiveDateTime));
    assert.deepEqual([...times], [new Date(takenLocal).toISOString()], 'one set, taken when the form says');
    for (const o of vitals) {
      assert.equal(o.category?.[0]?.coding?.[0]?.code, 'vital-signs');
      assert.equal(o.subject?.reference, `Patient/${id}`);
      assert.equal(o.performer?.[0]?.reference, me);
    }
    // The vitals tab shows the set just saved as the latest.
    const latest = page.getByRole('table', { name: 'Latest vitals' });
    await latest.getByRole('row', { name: /Blood pressure.*130\/84 mmHg/ }).waitFor();
    const oxygen = await latest.getByRole('row', { name: /Oxygen saturation/ }).allInnerTexts();
    assert.equal(oxygen.length, 1, 'the new oxygen saturation replaces the older one as the latest (same first code as the record)');
    assert.match(oxygen[0]!, /97 %/);
    await page.screenshot({ path: `${SCREENS}documentation-vitals-saved.png`, fullPage: true });

    // A SOAP note from its template.
    await page.getByRole('tab', { name: 'Notes' }).click();
    await page.waitForURL(`${origin}/patients/${id}/notes`);
    await page.getByRole('button', { name: 'Write note' }).click();
    await page.waitForURL(new RegExp(`/patients/${id}/notes/[0-9a-f-]{36}$`));
    const noteId = page.url().split('/').pop()!;
    await page.getByLabel('Subjective').fill(SUBJECTIVE);
    await page.getByLabel('Objective').fill(OBJECTIVE);
    await page.getByRole('button', { name: 'Insert this encounter’s vitals' }).click();
    await until(page, () => page.getByLabel('Objective').inputValue(), `${OBJECTIVE}\n${VITALS_LINE}`);
    await page.getByLabel('Assessment').fill(ASSESSMENT);
    await page.getByLabel('Plan').fill(PLAN);
    await page.getByRole('status').filter({ hasText: /^Saved at / }).waitFor();
    // The autosizing text boxes measure with a hidden copy (aria-hidden, out of the tab order): not a control.
    assert.deepEqual((await unlabelled(page)).filter((e) => !e.includes('aria-hidden="true"')), [], 'every input of the note editor has a label');
    await page.screenshot({ path: `${SCREENS}documentation-note-editor.png`, fullPage: true });

    // The draft is in the record, and a reload finds it as typed.
    const draft = await read<Composition>(`Composition/${noteId}`);
    assert.equal(draft.status, 'preliminary');
    assert.equal(draft.type.coding?.[0]?.code, '11506-3');
    assert.equal(draft.encounter?.reference, `Encounter/${encounter.id}`);
    assert.equal(draft.author[0]?.reference, me);
    assert.deepEqual(draft.section?.map((s) => s.code?.coding?.[0]?.code), ['61150-9', '61149-1', '51848-0', '18776-5']);
    await page.reload();
    await page.getByLabel('Subjective').waitFor();
    assert.equal(await page.getByLabel('Subjective').inputValue(), SUBJECTIVE, 'the autosaved draft comes back after a reload');
    assert.equal(await page.getByLabel('Plan').inputValue(), PLAN);

    // Sign: the note becomes read-only.
    await page.getByRole('button', { name: 'Sign note' }).click();
    await page.getByText(/^Signed by /).first().waitFor();
    assert.equal(await page.getByRole('textbox').count(), 0, 'a signed note has nothing to edit');
    assert.equal(await page.getByRole('button', { name: 'Sign note' }).count(), 0);
    const signedNote = await read<Composition>(`Composition/${noteId}`);
    assert.equal(signedNote.status, 'final');
    assert.equal(signedNote.attester?.[0]?.mode, 'legal');
    assert.equal(signedNote.attester?.[0]?.party?.reference, me);
    const signedText = signedNote.section?.map((s) => s.text?.div);
    assert.match(signedText?.[0] ?? '', /Sleeping poorly &lt;not&gt; &quot;wheezy&quot;/, 'typed text is stored escaped');

    // An addendum, written and signed on its own page.
    await page.getByRole('button', { name: 'Add addendum' }).click();
    await page.waitForURL((u) => !u.pathname.endsWith(noteId));
    const addendumId = page.url().split('/').pop()!;
    await page.getByText('Addendum to').first().waitFor();
    await page.getByLabel('Addendum', { exact: true }).fill(ADDENDUM);
    await page.getByRole('button', { name: 'Sign note' }).click();
    await page.getByText(/^Signed by /).first().waitFor();
    await page.getByRole('link', { name: 'SOAP note' }).click();
    await page.waitForURL(`${origin}/patients/${id}/notes/${noteId}`);
    const addenda = page.getByRole('region', { name: 'Addenda' });
    await addenda.getByText(ADDENDUM).waitFor();

    // The page shows the signed text as typed (as text, not markup), then the addendum.
    const shown = await textOf(page, '.note-body .note-text');
    assert.equal(shown, [SUBJECTIVE, OBJECTIVE, VITALS_LINE, ASSESSMENT, PLAN].join('\n'));
    const order = await page.evaluate<boolean>(`(() => { const t = [...document.querySelectorAll('.note-text')].map((e) => e.textContent); return t.indexOf(${JSON.stringify(PLAN)}) < t.indexOf(${JSON.stringify(ADDENDUM)}); })()`);
    assert.ok(order, 'the addendum comes after the signed text');
    await page.screenshot({ path: `${SCREENS}documentation-signed-note-addendum.png`, fullPage: true });

    // Through the API: the signed note is unchanged; the addendum appends to it, signed.
    const after = await read<Composition>(`Composition/${noteId}`);
    assert.equal(after.meta?.versionId, signedNote.meta?.versionId, 'no new version of the signed note');
    assert.deepEqual(after.section?.map((s) => s.text?.div), signedText);
    const addendum = await read<Composition>(`Composition/${addendumId}`);
    assert.equal(addendum.status, 'final');
    assert.deepEqual(addendum.relatesTo, [{ code: 'appends', targetReference: { reference: `Composition/${noteId}`, display: 'SOAP note' } }]);
    assert.equal(addendum.attester?.[0]?.party?.reference, me);
    assert.match(addendum.section?.[0]?.text?.div ?? '', /Rapid strep test came back negative\./);

    // Any API client trying to edit the signed note is refused.
    const token = await clientCredentialsToken(origin, TEST_CLIENT);
    const res = await fetch(`${origin}/fhir/Composition/${noteId}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' },
      body: JSON.stringify({ ...after, section: [{ title: 'Plan', text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml"><p>Rewritten</p></div>' } }] }),
    });
    assert.equal(res.status, 422);
    const outcome = (await res.json()) as { resourceType: string; issue: { diagnostics: string }[] };
    assert.equal(outcome.resourceType, 'OperationOutcome');
    assert.match(outcome.issue[0]!.diagnostics, /signed and locked/);
    assert.deepEqual((await read<Composition>(`Composition/${noteId}`)).section?.map((s) => s.text?.div), signedText);

    // An amendment: a corrected copy, signed, supersedes the note; the original keeps its signed text.
    await page.getByRole('button', { name: 'Amend note' }).click();
    await page.waitForURL((u) => !u.pathname.endsWith(noteId));
    const amendmentId = page.url().split('/').pop()!;
    await page.getByText('Amends').waitFor();
    assert.equal(await page.getByLabel('Assessment').inputValue(), ASSESSMENT, 'the amendment starts from the signed text');
    await page.getByLabel('Assessment').fill('Acute bronchitis');
    await page.getByRole('status').filter({ hasText: /^Saved at / }).waitFor();
    await page.getByRole('button', { name: 'Sign note' }).click();
    await page.getByText(/^Signed by /).first().waitFor();
    const amendment = await read<Composition>(`Composition/${amendmentId}`);
    assert.equal(amendment.status, 'final');
    assert.equal(amendment.relatesTo?.[0]?.code, 'replaces');
    assert.equal(amendment.relatesTo?.[0]?.targetReference?.reference, `Composition/${noteId}`);
    await page.goto(`${origin}/patients/${id}/notes/${noteId}`);
    await page.getByText('Superseded by an amendment').waitFor();
    assert.equal(await textOf(page, '.note-body .note-text'), shown, 'the superseded note still shows its signed text');
    assert.deepEqual((await read<Composition>(`Composition/${noteId}`)).section?.map((s) => s.text?.div), signedText);

    // The notes list: the original superseded, the addendum and the amendment signed.
    await page.getByRole('link', { name: '← All notes' }).click();
    await list.locator(`tr[data-note="${amendmentId}"]`).waitFor();
    const rows: [string, string, string][] = [[noteId, 'SOAP note', 'Superseded'], [addendumId, 'Addendum to SOAP note', 'Signed'], [amendmentId, 'Amended: SOAP note', 'Signed']];
    for (const [ref, title, status] of rows) {
      const cells = await list.locator(`tr[data-note="${ref}"] td`).allInnerTexts();
      assert.deepEqual(cells.slice(1).map((c) => c.toLowerCase()), [title, 'SOAP note', after.author[0]?.display ?? '', status].map((c) => c.toLowerCase()), `the list row of ${title}`);
    }
    await page.screenshot({ path: `${SCREENS}documentation-note-list.png`, fullPage: true });

    // The timeline lists the signed notes.
    await page.getByRole('tab', { name: 'Timeline' }).click();
    await page.locator(`.timeline-entry[data-ref="Composition/${noteId}"]`).waitFor();
    await page.locator(`.timeline-entry[data-ref="Composition/${amendmentId}"]`).waitFor();
    await page.locator(`.timeline-entry[data-ref="Composition/${noteId}"]`).getByRole('link', { name: 'SOAP note' }).click();
    await page.waitForURL(`${origin}/patients/${id}/notes/${noteId}`);
    await page.getByText('Superseded by an amendment').waitFor();

    // Ending the encounter.
    await page.getByRole('tab', { name: 'Notes' }).click();
    await page.getByRole('button', { name: 'End encounter' }).click();
    await page.getByText('No encounter in progress').waitFor();
    const ended = await read<Encounter>(`Encounter/${encounter.id}`);
    assert.equal(ended.status, 'finished');
    assert.ok(ended.period?.end && ended.period.end >= ended.period.start!, 'the period has its end');
    assert.equal(await page.getByRole('button', { name: 'Write note' }).isDisabled(), true, 'no new note without an encounter');

    // The tablet layout of the signed note.
    await page.setViewportSize({ width: 820, height: 1180 });
    await page.goto(`${origin}/patients/${id}/notes/${noteId}`);
    await page.getByRole('region', { name: 'Addenda' }).waitFor();
    await page.screenshot({ path: `${SCREENS}documentation-signed-note-tablet.png`, fullPage: true });
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.goto(`${origin}/patients/${id}/vitals/new`);
    await page.getByLabel('Systolic BP').waitFor();
    await page.screenshot({ path: `${SCREENS}documentation-vitals-form-768.png`, fullPage: true });
    await context.close();
  });

  it('shows a draft changed in another tab as a conflict, overwrites nothing, and marks a note entered in error', async () => {
    const { origin, api, read } = workspace;
    const [patient] = await api<Patient>('Patient?_sort=-family&_count=1');
    const token = await clientCredentialsToken(origin, TEST_CLIENT);
    const post = async <T,>(type: string, body: unknown): Promise<T> => {
      const res = await fetch(`${origin}/fhir/${type}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json', prefer: 'return=representation' }, body: JSON.stringify(body) });
      assert.equal(res.status, 201, `POST ${type}`);
      return (await res.json()) as T;
    };
    const start = new Date().toISOString();
    const encounter = await post<Encounter>('Encounter', { resourceType: 'Encounter', status: 'in-progress', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, subject: { reference: `Patient/${patient!.id!}` }, period: { start } });
    const draft = await post<Composition>('Composition', {
      resourceType: 'Composition', status: 'preliminary', meta: { tag: [{ system: 'urn:continuum:note-template', code: 'soap' }] },
      type: { coding: [{ system: 'http://loinc.org', code: '11506-3' }], text: 'SOAP note' }, title: 'SOAP note', date: start,
      subject: { reference: `Patient/${patient!.id!}` }, encounter: { reference: `Encounter/${encounter.id!}` }, author: [{ display: 'Test author' }],
    });
    const url = `${origin}/patients/${patient!.id!}/notes/${draft.id!}`;
    const { context, page } = await desktopPage(workspace);
    await page.goto(url);
    await signIn(page);
    await page.getByLabel('Subjective').waitFor();
    const other = await context.newPage();
    await other.goto(url);
    await other.getByLabel('Subjective').waitFor();

    await page.getByLabel('Subjective').fill('Typed in the first tab');
    await page.getByRole('status').filter({ hasText: /^Saved at / }).waitFor();
    await other.getByLabel('Plan').fill('Typed in the second tab');
    await other.getByRole('alert').filter({ hasText: 'changed somewhere else' }).waitFor();
    assert.equal(await other.getByLabel('Plan').getAttribute('readonly'), '', 'the stale tab stops editing');
    assert.equal(await other.getByRole('button', { name: 'Sign note' }).isDisabled(), true, 'and cannot sign');

    const stored = await read<Composition>(`Composition/${draft.id!}`);
    assert.equal(stored.meta?.versionId, '2', 'only the first tab wrote');
    assert.deepEqual(stored.section?.map((s) => s.title), ['Subjective']);
    assert.match(stored.section?.[0]?.text?.div ?? '', /Typed in the first tab/);

    // Signed, then marked entered in error: the status changes, the signed text does not.
    await page.getByRole('button', { name: 'Sign note' }).click();
    await page.getByRole('button', { name: 'Mark entered in error' }).click();
    await page.getByRole('dialog', { name: 'Mark this note entered in error?' }).getByRole('button', { name: 'Mark entered in error' }).click();
    await page.getByText('This note was marked as entered in error').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Add addendum' }).count(), 0, 'nothing more can be added');
    const voided = await read<Composition>(`Composition/${draft.id!}`);
    assert.equal(voided.status, 'entered-in-error');
    assert.equal(voided.meta?.versionId, '4', 'signed (3), then marked (4)');
    assert.deepEqual(voided.section, stored.section);
    await context.close();
  });
});

/** Waits until `get` gives `want` (the page updates asynchronously), then checks it. */
async function until(page: Page, get: () => Promise<string>, want: string): Promise<void> {
  for (let i = 0; i < 100 && (await get()) !== want; i++) await page.waitForTimeout(100);
  assert.equal(await get(), want);
}
