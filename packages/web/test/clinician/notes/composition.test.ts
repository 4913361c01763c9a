/** Notes as Compositions: templates to drafts, section text round trips, signing, addenda and amendments. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addendumDraft, amendmentDraft, editorSections, newDraft, noteKind, relatedTarget, sectionTexts, signed, statusLabel, templateOf, textToXhtml, withSectionTexts, xhtmlToText } from '../../../src/clinician/notes/composition.ts';
import { NOTE_TEMPLATES, templateById } from '../../../src/clinician/notes/templates.ts';

const author = { reference: 'Practitioner/p1', display: 'Dr Ada Lee' };
const now = new Date('2026-11-26T10:00:00.000Z');
const ctx = { patientId: 'pat1', encounter: { reference: 'Encounter/e1' }, custodian: { reference: 'Organization/o1', display: 'Clinic' }, author, now };

describe('note templates', () => {
  it('give every template a LOINC document type and LOINC-coded sections with unique keys', () => {
    const types: Record<string, string> = { soap: '11506-3', progress: '11506-3', hp: '34117-2', procedure: '28570-0' };
    for (const t of NOTE_TEMPLATES) {
      assert.equal(t.type.system, 'http://loinc.org');
      assert.equal(t.type.code, types[t.id]);
      assert.equal(new Set(t.sections.map((s) => s.key)).size, t.sections.length, `${t.id}: unique section keys`);
      for (const s of t.sections) assert.match(s.code, /^\d+-\d$/);
    }
    assert.deepEqual(templateById('soap')!.sections.map((s) => [s.title, s.code]), [['Subjective', '61150-9'], ['Objective', '61149-1'], ['Assessment', '51848-0'], ['Plan', '18776-5']]);
  });
});

describe('a draft from a template', () => {
  it('is a preliminary Composition for the patient, encounter and author, tagged with its template', () => {
    const draft = newDraft(templateById('hp')!, ctx);
    assert.equal(draft.status, 'preliminary');
    assert.equal(draft.type.coding?.[0]?.code, '34117-2');
    assert.equal(draft.title, 'History and physical');
    assert.deepEqual(draft.subject, { reference: 'Patient/pat1' });
    assert.deepEqual(draft.encounter, { reference: 'Encounter/e1' });
    assert.deepEqual(draft.author, [author]);
    assert.deepEqual(draft.custodian, { reference: 'Organization/o1', display: 'Clinic' });
    assert.equal(draft.date, '2026-11-26T10:00:00.000Z');
    assert.equal(draft.section, undefined, 'no empty sections (a FHIR section must have text)');
    assert.equal(templateOf(draft).id, 'hp');
  });

  it('keeps typed text per section, and leaves out empty ones', () => {
    const draft = newDraft(templateById('soap')!, ctx);
    const written = withSectionTexts(draft, { subjective: 'Cough for 3 days.\nNo fever.', objective: '', assessment: 'Viral URI', plan: '  ' });
    assert.deepEqual(written.section?.map((s) => s.title), ['Subjective', 'Assessment']);
    assert.equal(written.section?.[0]?.code?.coding?.[0]?.code, '61150-9');
    assert.deepEqual(sectionTexts(written), { subjective: 'Cough for 3 days.\nNo fever.', objective: '', assessment: 'Viral URI', plan: '' });
  });
});

describe('section narrative', () => {
  it('escapes what the user typed, so it can never become markup', () => {
    const div = textToXhtml('BP <140 & "stable"\n<script>alert(1)</script>');
    assert.equal(div, '<div xmlns="http://www.w3.org/1999/xhtml"><p>BP &lt;140 &amp; &quot;stable&quot;</p><p>&lt;script&gt;alert(1)&lt;/script&gt;</p></div>');
    assert.equal(xhtmlToText(div), 'BP <140 & "stable"\n<script>alert(1)</script>');
  });

  it('round-trips blank lines and reads narrative written by other systems as text', () => {
    assert.equal(xhtmlToText(textToXhtml('a\n\nb\n')), 'a\n\nb\n');
    assert.equal(xhtmlToText('<div xmlns="http://www.w3.org/1999/xhtml">Plain <b>bold</b> text</div>'), 'Plain bold text');
    assert.equal(xhtmlToText('<div><p class="x">One<br/>Two</p></div>'), 'One\nTwo');
  });
});

describe('signing, addenda and amendments', () => {
  const draft = withSectionTexts({ ...newDraft(templateById('soap')!, ctx), id: 'n1' }, { subjective: 'Cough', plan: 'Fluids' });
  const later = new Date('2026-11-26T10:30:00.000Z');
  const final = signed(draft, author, later);

  it('signing makes the note final, dated and legally attested by the signer, its text untouched', () => {
    assert.equal(final.status, 'final');
    assert.equal(final.date, '2026-11-26T10:30:00.000Z');
    assert.deepEqual(final.attester, [{ mode: 'legal', time: '2026-11-26T10:30:00.000Z', party: author }]);
    assert.deepEqual(final.section, draft.section);
    assert.equal(statusLabel(final), 'Signed');
    assert.equal(statusLabel(draft), 'Draft');
  });

  it('an addendum is a new draft that appends to the signed note, with one Addendum section', () => {
    const other = { reference: 'Practitioner/p2', display: 'Dr Bo Park' };
    const a = addendumDraft(final, { patientId: 'pat1', encounter: final.encounter, author: other, now: later });
    assert.equal(a.id, undefined);
    assert.equal(a.status, 'preliminary');
    assert.deepEqual(a.relatesTo, [{ code: 'appends', targetReference: { reference: 'Composition/n1', display: 'SOAP note' } }]);
    assert.deepEqual(a.author, [other]);
    assert.equal(a.title, 'Addendum to SOAP note');
    assert.equal(noteKind(a), 'addendum');
    assert.equal(relatedTarget(a), 'Composition/n1');
    assert.deepEqual(editorSections(a).map((s) => s.code), ['55107-7']);
    assert.equal(a.section, undefined);
  });

  it('an amendment is a new draft that replaces the signed note, starting from its sections', () => {
    const m = amendmentDraft(final, { patientId: 'pat1', encounter: final.encounter, author, now: later });
    assert.equal(m.status, 'preliminary');
    assert.equal(m.relatesTo?.[0]?.code, 'replaces');
    assert.deepEqual(m.section, final.section);
    assert.equal(noteKind(m), 'amendment');
    assert.equal(templateOf(m).id, 'soap');
    assert.equal(statusLabel(final, m), 'Superseded');
  });
});
