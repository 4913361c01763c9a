/**
 * Signing an order with its overridden alerts, as one FHIR transaction: the order (POSTed under
 * its draft's `urn:uuid`, now active and dated) and, for each card the clinician overrode, a
 * `DetectedIssue` that records the alert (code, severity, summary, source) and its mitigation (the
 * prescriber judged the therapy appropriate, when, who, and the reason given). The order and its
 * issues reference one another through their `urn:uuid`s, which the server rewrites. Pure.
 */
import type { Bundle, BundleEntry, CodeableConcept, Coding, DetectedIssue, MedicationRequest, ServiceRequest } from '@medplum/fhirtypes';
import type { CdsCard, Indicator } from './cds-types.ts';
import { overrideText, type Decision, type DraftOrder } from './card-model.ts';

export const V3_ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';

/**
 * The mitigation every override records: v3 ActCode `1` "Therapy Appropriate" (from the FHIR
 * value set detectedissue-mitigation-action, i.e. ActDetectedIssueManagementCode): the prescriber
 * judged the therapy appropriate despite the alert.
 */
export const OVERRIDE_MITIGATION: Coding = { system: V3_ACT_CODE, code: '1', display: 'Therapy Appropriate' };

export const ISSUE_SEVERITY: Record<Indicator, NonNullable<DetectedIssue['severity']>> = { critical: 'high', warning: 'moderate', info: 'low' };

/** Which v3 ActCode detected-issue code a rule's topic names, tried in this order. */
const ACT_CODES: [RegExp, Coding][] = [
  [/drug-drug|interaction|onc-hp|\bddi\b/, { system: V3_ACT_CODE, code: 'DRG', display: 'Drug Interaction Alert' }],
  [/intoleran/, { system: V3_ACT_CODE, code: 'INT', display: 'Intolerance Alert' }],
  [/allerg/, { system: V3_ACT_CODE, code: 'ALGY', display: 'Allergy Alert' }],
  [/duplicate-therapy|duplicate therapy|dup-therapy|therapeutic-duplication/, { system: V3_ACT_CODE, code: 'DUPTHPY', display: 'Duplicate Therapy Alert' }],
  [/dose/, { system: V3_ACT_CODE, code: 'DOSEH', display: 'High Dose Alert' }],
];

/**
 * The DetectedIssue code for a card: the v3 ActCode its topic names (DRG, INT, ALGY, DUPTHPY,
 * DOSEH) where one fits, with the topic itself kept beside it; as text, the code's name, else the
 * topic's, else the card's summary.
 */
export function issueCode(card: CdsCard): CodeableConcept {
  const topic = card.source.topic;
  const key = [topic?.code, topic?.display, topic?.system].filter(Boolean).join(' ').toLowerCase();
  const act = key ? ACT_CODES.find(([re]) => re.test(key))?.[1] : undefined;
  const coding = [...(act ? [act] : []), ...(topic?.code ? [topic] : [])];
  return { ...(coding.length > 0 ? { coding } : {}), text: act?.display ?? topic?.display ?? card.summary };
}

export interface SigningContext {
  patient: string;
  /** The signing practitioner, e.g. `Practitioner/abc`. */
  author: string;
  now: Date;
  /** A fresh UUID for each DetectedIssue's `urn:uuid`. */
  newId: () => string;
}

/** The DetectedIssue recording one overridden card on the order `orderUrn`. */
export function detectedIssue(card: CdsCard, decision: Decision, orderUrn: string, ctx: SigningContext): DetectedIssue {
  const when = ctx.now.toISOString();
  const reason = overrideText(decision);
  return {
    resourceType: 'DetectedIssue',
    status: 'final',
    code: issueCode(card),
    severity: ISSUE_SEVERITY[card.indicator],
    patient: { reference: ctx.patient },
    identifiedDateTime: when,
    author: { reference: ctx.author },
    implicated: [{ reference: orderUrn }],
    detail: card.summary,
    ...(card.source.url ? { reference: card.source.url } : {}),
    mitigation: [{ action: { coding: [OVERRIDE_MITIGATION], text: reason ? `Overridden: ${reason}` : 'Overridden' }, date: when, author: { reference: ctx.author } }],
  };
}

/**
 * The transaction that signs `draft` (whose id is the client-made UUID the cards name), with a
 * DetectedIssue for each override. A medication order lists them in `detectedIssue`; a lab order
 * (R4's ServiceRequest has no such element) is named by each issue's `implicated`.
 */
export function signingBundle(draft: DraftOrder, overrides: readonly { card: CdsCard; decision: Decision }[], ctx: SigningContext): Bundle {
  if (!draft.id) throw new Error('A draft order needs its client-made id');
  const orderUrn = `urn:uuid:${draft.id}`;
  const issues = overrides.map(({ card, decision }) => ({ urn: `urn:uuid:${ctx.newId()}`, resource: detectedIssue(card, decision, orderUrn, ctx) }));
  const { id: _id, ...rest } = draft;
  const signed = { ...rest, status: 'active', authoredOn: ctx.now.toISOString() } as MedicationRequest | ServiceRequest;
  if (signed.resourceType === 'MedicationRequest' && issues.length > 0) signed.detectedIssue = issues.map((i) => ({ reference: i.urn }));
  const entries: BundleEntry[] = [
    { fullUrl: orderUrn, resource: signed, request: { method: 'POST', url: signed.resourceType } },
    ...issues.map((i) => ({ fullUrl: i.urn, resource: i.resource, request: { method: 'POST' as const, url: 'DetectedIssue' } })),
  ];
  return { resourceType: 'Bundle', type: 'transaction', entry: entries };
}
