/** Signing with overrides: one transaction of the order and a DetectedIssue per overridden card. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { DetectedIssue, MedicationRequest, ServiceRequest } from '@medplum/fhirtypes';
import type { CdsCard } from '../../src/cds/cds-types.ts';
import { issueCode, OVERRIDE_MITIGATION, signingBundle, V3_ACT_CODE } from '../../src/cds/detected-issue.ts';

const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const TOPIC = 'urn:example:rule';
const card = (uuid: string, indicator: CdsCard['indicator'], topic?: string): CdsCard => ({
  uuid, serviceId: 'continuum-order-sign', summary: `Summary ${uuid}`, indicator,
  source: { label: 'ONC high-priority DDI list', url: 'https://example.org/onc', ...(topic ? { topic: { system: TOPIC, code: topic, display: `Rule ${topic}` } } : {}) },
});
const draft: MedicationRequest = {
  resourceType: 'MedicationRequest', id: '11111111-2222-4333-8444-555555555555', status: 'draft', intent: 'order', subject: { reference: 'Patient/p1' },
  medicationCodeableConcept: { coding: [{ system: RXNORM, code: '197806' }] }, requester: { reference: 'Practitioner/doc' },
};
let n = 0;
const ctx = { patient: 'Patient/p1', author: 'Practitioner/doc', now: new Date('2026-11-27T02:30:00Z'), newId: () => `00000000-0000-4000-8000-00000000000${++n}` };

it('maps a rule to its v3 ActCode detected-issue code, keeping the rule beside it', () => {
  const code = (topic?: string) => issueCode(card('x', 'warning', topic)).coding?.map((c) => c.code);
  assert.deepEqual(code('drug-drug:onc-hp-03'), ['DRG', 'drug-drug:onc-hp-03']);
  assert.deepEqual(code('allergy-class:penicillins'), ['ALGY', 'allergy-class:penicillins']);
  assert.deepEqual(code('drug-intolerance:statins'), ['INT', 'drug-intolerance:statins']);
  assert.deepEqual(code('duplicate-therapy:ppi'), ['DUPTHPY', 'duplicate-therapy:ppi']);
  assert.deepEqual(code('dose-daily:acetaminophen'), ['DOSEH', 'dose-daily:acetaminophen']);
  assert.deepEqual(code('duplicate-lab:4548-4'), ['duplicate-lab:4548-4'], 'no ActCode fits a duplicate lab order: the rule alone');
  assert.deepEqual(issueCode(card('x', 'warning')), { text: 'Summary x' }, 'no topic: the summary as text');
  assert.equal(issueCode(card('x', 'warning', 'drug-drug:a')).coding?.[0]?.system, V3_ACT_CODE);
});

it('writes the order and one DetectedIssue per override in one transaction, linked both ways by urn:uuid', () => {
  n = 0;
  const critical = card('c', 'critical', 'drug-drug:onc-hp-03');
  const bundle = signingBundle(draft, [{ card: critical, decision: { kind: 'overridden', reason: { system: 'urn:r', code: 'monitor', display: 'Will monitor' }, comment: 'CK in a week' } }], ctx);
  assert.equal(bundle.type, 'transaction');
  const [orderEntry, issueEntry, ...rest] = bundle.entry ?? [];
  assert.equal(rest.length, 0);
  assert.equal(orderEntry?.fullUrl, `urn:uuid:${draft.id}`, "the order's urn is the draft's own id, which the cards named");
  assert.deepEqual(orderEntry?.request, { method: 'POST', url: 'MedicationRequest' });
  const order = orderEntry?.resource as MedicationRequest;
  assert.equal(order.id, undefined, 'the server gives the id');
  assert.equal(order.status, 'active');
  assert.equal(order.authoredOn, '2026-11-27T02:30:00.000Z', 'signed now');
  assert.deepEqual(order.detectedIssue, [{ reference: 'urn:uuid:00000000-0000-4000-8000-000000000001' }]);
  assert.equal(issueEntry?.fullUrl, 'urn:uuid:00000000-0000-4000-8000-000000000001');
  assert.deepEqual(issueEntry?.request, { method: 'POST', url: 'DetectedIssue' });
  const issue = issueEntry?.resource as DetectedIssue;
  assert.equal(issue.status, 'final');
  assert.equal(issue.severity, 'high', 'critical is high');
  assert.equal(issue.code?.coding?.[0]?.code, 'DRG');
  assert.deepEqual(issue.patient, { reference: 'Patient/p1' });
  assert.deepEqual(issue.author, { reference: 'Practitioner/doc' });
  assert.deepEqual(issue.implicated, [{ reference: `urn:uuid:${draft.id}` }]);
  assert.equal(issue.detail, 'Summary c');
  assert.equal(issue.reference, 'https://example.org/onc');
  assert.deepEqual(issue.mitigation, [{ action: { coding: [OVERRIDE_MITIGATION], text: 'Overridden: Will monitor: CK in a week' }, date: '2026-11-27T02:30:00.000Z', author: { reference: 'Practitioner/doc' } }]);
  assert.deepEqual(OVERRIDE_MITIGATION, { system: V3_ACT_CODE, code: '1', display: 'Therapy Appropriate' });
});

it('maps the severities, and writes a plain order when nothing was overridden', () => {
  n = 0;
  const bundle = signingBundle(draft, [
    { card: card('w', 'warning'), decision: { kind: 'overridden' } },
    { card: card('i', 'info'), decision: { kind: 'overridden' } },
  ], ctx);
  const issues = (bundle.entry ?? []).slice(1).map((e) => e.resource as DetectedIssue);
  assert.deepEqual(issues.map((i) => i.severity), ['moderate', 'low']);
  assert.equal(issues[0]?.mitigation?.[0]?.action.text, 'Overridden', 'no reason given');
  assert.equal(issues[0]?.reference, 'https://example.org/onc');
  const plain = signingBundle(draft, [], ctx);
  assert.equal(plain.entry?.length, 1);
  assert.equal((plain.entry?.[0]?.resource as MedicationRequest).detectedIssue, undefined);
});

it('names a lab order from its issues only (an R4 ServiceRequest has no detectedIssue), and needs the draft id', () => {
  const lab: ServiceRequest = { resourceType: 'ServiceRequest', id: '99999999-2222-4333-8444-555555555555', status: 'draft', intent: 'order', subject: { reference: 'Patient/p1' } };
  const bundle = signingBundle(lab, [{ card: card('d', 'warning', 'duplicate-lab:4548-4'), decision: { kind: 'overridden' } }], ctx);
  assert.equal((bundle.entry?.[0]?.resource as ServiceRequest & { detectedIssue?: unknown }).detectedIssue, undefined);
  assert.deepEqual((bundle.entry?.[1]?.resource as DetectedIssue).implicated, [{ reference: `urn:uuid:${lab.id}` }]);
  assert.throws(() => signingBundle({ ...lab, id: undefined }, [], ctx), /id/);
});

it("names the issue in words: the ActCode's name, else the rule's, else the card's summary", () => {
  assert.equal(issueCode(card('x', 'critical', 'drug-drug:onc-hp-03')).text, 'Drug Interaction Alert');
  assert.equal(issueCode(card('x', 'warning', 'duplicate-lab:4548-4')).text, 'Rule duplicate-lab:4548-4');
});
