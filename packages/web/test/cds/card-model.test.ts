/** What a clinician may do with cards: decide before signing, override reasons, suggestions, feedback. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { MedicationRequest, ServiceRequest } from '@medplum/fhirtypes';
import type { CdsCard } from '../../src/cds/cds-types.ts';
import { blocksSigning, bySeverity, feedbackFor, overrideProblem, overrideText, replaceDraft, suggestionEffect, unanswered, undecided, type Decision } from '../../src/cds/card-model.ts';

const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const REASONS = 'urn:example:override-reason';
const card = (uuid: string, indicator: CdsCard['indicator'], extra: Partial<CdsCard> = {}): CdsCard => ({
  uuid,
  serviceId: 'continuum-order-sign',
  summary: `Card ${uuid}`,
  indicator,
  source: { label: 'Continuum' },
  overrideReasons: [
    { system: REASONS, code: 'benefit', display: 'Benefit outweighs risk' },
    { system: REASONS, code: 'monitor', display: 'Will monitor' },
  ],
  ...extra,
});

it('orders the cards critical, then warning, then info, keeping the order within each', () => {
  const cards = [card('i', 'info'), card('w1', 'warning'), card('c', 'critical'), card('w2', 'warning')];
  assert.deepEqual(bySeverity(cards).map((c) => c.uuid), ['c', 'w1', 'w2', 'i']);
});

it('holds signing until every critical and warning card is acted on or overridden; info cards need nothing', () => {
  const cards = [card('c', 'critical'), card('w', 'warning'), card('i', 'info')];
  const none = new Map<string, Decision>();
  assert.equal(blocksSigning(cards, none), true);
  assert.deepEqual(undecided(cards, none).map((c) => c.uuid), ['c', 'w']);
  const one = new Map<string, Decision>([['c', { kind: 'overridden', reason: { system: REASONS, code: 'benefit' } }]]);
  assert.equal(blocksSigning(cards, one), true, 'the warning still waits');
  const both = new Map<string, Decision>([...one, ['w', { kind: 'accepted', suggestion: 's1' }]]);
  assert.equal(blocksSigning(cards, both), false);
  assert.equal(blocksSigning([card('i', 'info')], none), false);
  assert.equal(blocksSigning([], none), false);
});

it('asks a reason to override a critical card, and none for a warning', () => {
  const critical = card('c', 'critical');
  assert.match(overrideProblem(critical, undefined, '') ?? '', /needs a reason/);
  assert.match(overrideProblem(critical, undefined, 'a comment alone') ?? '', /choose one/, 'a comment does not replace an offered reason');
  assert.equal(overrideProblem(critical, { system: REASONS, code: 'monitor' }, ''), undefined);
  assert.match(overrideProblem(critical, { system: REASONS, code: 'made-up' }, '') ?? '', /offered/);
  const noReasons = card('c2', 'critical', { overrideReasons: [] });
  assert.match(overrideProblem(noReasons, undefined, '  ') ?? '', /say why/);
  assert.equal(overrideProblem(noReasons, undefined, 'Short course, will monitor CK'), undefined);
  assert.equal(overrideProblem(card('w', 'warning'), undefined, ''), undefined);
});

it('writes an override as its reason and comment', () => {
  assert.equal(overrideText({ kind: 'overridden', reason: { system: REASONS, code: 'monitor', display: 'Will monitor' }, comment: ' CK in 1 week ' }), 'Will monitor: CK in 1 week');
  assert.equal(overrideText({ kind: 'overridden', reason: { system: REASONS, code: 'monitor' } }), 'monitor');
  assert.equal(overrideText({ kind: 'overridden' }), '');
  assert.equal(overrideText({ kind: 'accepted', suggestion: 's' }), '');
});

const draft: MedicationRequest = {
  resourceType: 'MedicationRequest', id: 'd1', status: 'draft', intent: 'order', subject: { reference: 'Patient/p1' },
  medicationCodeableConcept: { coding: [{ system: RXNORM, code: '197806', display: 'clarithromycin 500 MG Oral Tablet' }], text: 'clarithromycin 500 MG Oral Tablet' },
  dosageInstruction: [{ text: 'Take 1 tablet by mouth twice daily' }],
};
const pravastatin: MedicationRequest = { ...draft, medicationCodeableConcept: { coding: [{ system: RXNORM, code: '904475', display: 'pravastatin sodium 40 MG Oral Tablet' }] } };

it('tells what a suggestion does to the draft: remove it, replace it, or nothing the screen can apply', () => {
  const remove = { uuid: 's1', label: 'Remove order', actions: [{ type: 'delete' as const, description: 'Remove', resourceId: ['MedicationRequest/d1'] }] };
  assert.deepEqual(suggestionEffect(remove, 'MedicationRequest/d1'), { kind: 'remove' });
  assert.deepEqual(suggestionEffect(remove, 'MedicationRequest/other'), { kind: 'unsupported' }, 'deleting another order is not this draft');
  const update = { uuid: 's2', label: 'Switch', actions: [{ type: 'update' as const, description: 'Switch', resource: pravastatin }] };
  assert.deepEqual(suggestionEffect(update, 'MedicationRequest/d1'), { kind: 'replace', with: pravastatin });
  const swap = { uuid: 's3', label: 'Switch', actions: [{ type: 'delete' as const, description: 'x', resourceId: ['MedicationRequest/d1'] }, { type: 'create' as const, description: 'y', resource: pravastatin }] };
  assert.deepEqual(suggestionEffect(swap, 'MedicationRequest/d1'), { kind: 'replace', with: pravastatin });
  const other = { uuid: 's4', label: 'Order a CK', actions: [{ type: 'create' as const, description: 'CK', resource: { resourceType: 'ServiceRequest', status: 'draft', intent: 'order', subject: { reference: 'Patient/p1' } } as ServiceRequest }] };
  assert.deepEqual(suggestionEffect(other, 'MedicationRequest/d1'), { kind: 'unsupported' });
});

it("replaces only the draft's medication (or a lab order's test), keeping its id, dose and patient", () => {
  const replaced = replaceDraft(draft, pravastatin);
  assert.equal(replaced.id, 'd1');
  assert.equal(replaced.medicationCodeableConcept?.coding?.[0]?.code, '904475');
  assert.equal(replaced.medicationCodeableConcept?.text, undefined, "the old drug's text does not linger");
  assert.equal(replaced.dosageInstruction?.[0]?.text, 'Take 1 tablet by mouth twice daily');
  const lab: ServiceRequest = { resourceType: 'ServiceRequest', id: 'l1', status: 'draft', intent: 'order', subject: { reference: 'Patient/p1' }, code: { text: 'A' }, priority: 'stat' };
  const relab = replaceDraft(lab, { ...lab, id: 'other', code: { text: 'B' }, priority: 'routine' });
  assert.deepEqual([relab.id, relab.code?.text, relab.priority], ['l1', 'B', 'stat']);
});

it('reports accepted suggestions and overrides as CDS Hooks feedback, to the service that raised the card', () => {
  const now = new Date('2026-11-27T02:00:00Z');
  const c = card('c', 'critical', { serviceId: 'outside-1' });
  assert.deepEqual(feedbackFor(c, { kind: 'accepted', suggestion: 's1' }, now), {
    serviceId: 'outside-1',
    feedback: { card: 'c', outcome: 'accepted', acceptedSuggestions: [{ id: 's1' }], outcomeTimestamp: '2026-11-27T02:00:00.000Z' },
  });
  const reason = { system: REASONS, code: 'monitor', display: 'Will monitor' };
  assert.deepEqual(feedbackFor(c, { kind: 'overridden', reason, comment: ' CK weekly ' }, now).feedback, {
    card: 'c', outcome: 'overridden', overrideReason: { reason, userComment: 'CK weekly' }, outcomeTimestamp: '2026-11-27T02:00:00.000Z',
  });
  assert.deepEqual(feedbackFor(c, { kind: 'overridden' }, now).feedback, { card: 'c', outcome: 'overridden', outcomeTimestamp: '2026-11-27T02:00:00.000Z' });
});

it('names the services that did not answer, for the quiet note', () => {
  assert.deepEqual(unanswered([{ id: 'continuum-order-sign', title: 'Order checks', status: 'ok' }, { id: 'acme', title: 'Acme formulary', status: 'timeout' }, { id: 'beta', status: 'failed' }]), ['Acme formulary (timed out)', 'beta (failed)']);
  assert.deepEqual(unanswered([]), []);
});
