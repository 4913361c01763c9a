/**
 * What a clinician may do with decision-support cards, as pure rules: every critical or warning
 * card must be acted on (a suggestion accepted) or overridden before an order can be signed; a
 * critical override needs a reason; what a suggestion does to the draft order (remove it, or
 * replace its medication or test); and the CDS Hooks feedback that reports each decision. No I/O;
 * the time is a parameter.
 */
import type { Coding, MedicationRequest, ServiceRequest } from '@medplum/fhirtypes';
import type { CdsCard, CdsFeedback, CdsServiceStatus, CdsSuggestion, Indicator } from './cds-types.ts';

export type Decision = { kind: 'accepted'; suggestion: string } | { kind: 'overridden'; reason?: Coding; comment?: string };
/** Decisions by card uuid. */
export type Decisions = ReadonlyMap<string, Decision>;

export const INDICATOR_LABEL: Record<Indicator, string> = { critical: 'Critical', warning: 'Warning', info: 'Info' };
const RANK: Record<Indicator, number> = { critical: 0, warning: 1, info: 2 };

/** The cards, most severe first (the services' own order kept within a severity). */
export const bySeverity = (cards: readonly CdsCard[]): CdsCard[] => [...cards].sort((a, b) => RANK[a.indicator] - RANK[b.indicator]);

/** Whether the card must be acted on or overridden before signing. Info cards need nothing. */
export const needsDecision = (card: CdsCard): boolean => card.indicator !== 'info';

/** The cards still waiting for a decision. */
export const undecided = (cards: readonly CdsCard[], decisions: Decisions): CdsCard[] => cards.filter((c) => needsDecision(c) && !decisions.has(c.uuid));

/** Whether signing must wait. */
export const blocksSigning = (cards: readonly CdsCard[], decisions: Decisions): boolean => undecided(cards, decisions).length > 0;

/**
 * What is wrong with an override, or undefined if it may be recorded. A critical card needs a
 * reason: one of its override reasons if it offers any, otherwise a comment. A warning may be
 * overridden with or without one. A reason must be one the card offered.
 */
export function overrideProblem(card: CdsCard, reason: Coding | undefined, comment: string): string | undefined {
  const offered = card.overrideReasons ?? [];
  if (reason && !offered.some((r) => r.code === reason.code && r.system === reason.system)) return 'Choose one of the reasons offered';
  if (card.indicator !== 'critical') return undefined;
  if (offered.length > 0 && !reason) return 'A critical alert needs a reason: choose one';
  if (offered.length === 0 && !comment.trim()) return 'A critical alert needs a reason: say why you override it';
  return undefined;
}

/** The override as one line of text: the reason's display, then the comment. */
export function overrideText(decision: Decision): string {
  if (decision.kind !== 'overridden') return '';
  return [decision.reason?.display ?? decision.reason?.code, decision.comment?.trim()].filter(Boolean).join(': ');
}

export type DraftOrder = MedicationRequest | ServiceRequest;
export type SuggestionEffect = { kind: 'remove' } | { kind: 'replace'; with: DraftOrder } | { kind: 'unsupported' };

/**
 * What accepting a suggestion does to the draft `draftRef` (`<type>/<id>`): a create or update
 * of one order of the draft's type replaces it (whether or not the draft is also deleted); a
 * delete of the draft alone removes it. Anything else the ordering screen cannot apply.
 */
export function suggestionEffect(suggestion: CdsSuggestion, draftRef: string): SuggestionEffect {
  const type = draftRef.split('/')[0];
  const writes = suggestion.actions.filter((a) => a.type === 'create' || a.type === 'update');
  const orders = writes.map((a) => a.resource).filter((r): r is DraftOrder => r?.resourceType === type);
  const deletesDraft = suggestion.actions.some((a) => a.type === 'delete' && (a.resourceId ?? []).includes(draftRef));
  if (orders.length === 1 && writes.length === 1) return { kind: 'replace', with: orders[0]! };
  if (deletesDraft && writes.length === 0) return { kind: 'remove' };
  return { kind: 'unsupported' };
}

/** The draft with the medication (or, for a lab order, the test) of the replacement; all else kept. */
export function replaceDraft<T extends DraftOrder>(draft: T, replacement: DraftOrder): T {
  if (draft.resourceType === 'MedicationRequest' && replacement.resourceType === 'MedicationRequest') {
    const next: MedicationRequest = { ...draft };
    delete next.medicationCodeableConcept;
    delete next.medicationReference;
    if (replacement.medicationCodeableConcept) next.medicationCodeableConcept = replacement.medicationCodeableConcept;
    if (replacement.medicationReference) next.medicationReference = replacement.medicationReference;
    return next as T;
  }
  if (draft.resourceType === 'ServiceRequest' && replacement.resourceType === 'ServiceRequest' && replacement.code) return { ...draft, code: replacement.code } as T;
  return draft;
}

/** The feedback for one decision on one card. */
export function feedbackFor(card: CdsCard, decision: Decision, now: Date): { serviceId: string; feedback: CdsFeedback } {
  const outcomeTimestamp = now.toISOString();
  if (decision.kind === 'accepted') {
    return { serviceId: card.serviceId, feedback: { card: card.uuid, outcome: 'accepted', acceptedSuggestions: [{ id: decision.suggestion }], outcomeTimestamp } };
  }
  const comment = decision.comment?.trim();
  const overrideReason = { ...(decision.reason ? { reason: decision.reason } : {}), ...(comment ? { userComment: comment } : {}) };
  return { serviceId: card.serviceId, feedback: { card: card.uuid, outcome: 'overridden', ...(Object.keys(overrideReason).length > 0 ? { overrideReason } : {}), outcomeTimestamp } };
}

/** The services that did not answer, for a quiet note: "Drug interactions (timed out)". */
export function unanswered(services: readonly CdsServiceStatus[]): string[] {
  return services.filter((s) => s.status !== 'ok').map((s) => `${s.title ?? s.id} (${s.status === 'timeout' ? 'timed out' : 'failed'})`);
}
