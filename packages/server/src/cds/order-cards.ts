/**
 * Engine findings (medications/check-types.ts) as CDS Hooks cards. Pure. Severity becomes the
 * indicator (high: critical, moderate: warning, low: info); the rule becomes the source topic;
 * "remove the draft" becomes a `delete` action naming the draft, "switch to X" an `update` of the
 * draft with X as its medication; a duplicate lab card links to the earlier result. Every card
 * carries Continuum's override reasons.
 */
import type { MedicationRequest, Reference, ServiceRequest } from '@medplum/fhirtypes';
import type { FindingSuggestion, OrderCheckFinding } from '../medications/check-types.ts';
import { nameUuid } from './card-id.ts';
import { OVERRIDE_REASONS, RULE_SYSTEM } from './override-reasons.ts';
import type { Action, Card, Link, Suggestion } from './types.ts';

export const INDICATOR = { high: 'critical', moderate: 'warning', low: 'info' } as const;
const SOURCE_LABEL = 'Continuum order checks';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

export interface CardContext {
  hookInstance: string;
  serviceId: string;
  patientId: string;
  /** The web app's origin, for links to the chart (`<origin>/patients/<id>/results`). */
  appOrigin: string;
}

function action(s: FindingSuggestion, draft: MedicationRequest | ServiceRequest): Action | undefined {
  const ref = `${draft.resourceType}/${draft.id}`;
  if (s.action === 'remove-draft') return { type: 'delete', description: `Remove the draft order ${ref}`, resourceId: [ref] };
  if (s.action === 'replace-medication' && s.replacement && draft.resourceType === 'MedicationRequest') {
    const medicationCodeableConcept = { coding: [{ system: RXNORM, code: s.replacement.code, display: s.replacement.display }], text: s.replacement.display };
    const { medicationReference: _dropped, ...rest } = draft;
    return { type: 'update', description: `Order ${s.replacement.display} instead`, resource: { ...rest, medicationCodeableConcept } };
  }
  return undefined;
}

function earlierLink(ref: Reference | undefined, c: CardContext): Link[] {
  if (!ref?.reference) return [];
  const url = `${c.appOrigin}/patients/${encodeURIComponent(c.patientId)}/results?focus=${encodeURIComponent(ref.reference)}`;
  return [{ label: `Earlier result: ${ref.display ?? ref.reference}`, url, type: 'absolute' }];
}

function detailOf(f: OrderCheckFinding): string {
  if (f.references.length === 0) return f.detail;
  const refs = f.references.map((r) => `- ${r.url ? `[${r.label}](${r.url})` : r.label}`).join('\n');
  return `${f.detail}\n\n**References**\n\n${refs}`;
}

export function findingCard(f: OrderCheckFinding, drafts: ReadonlyArray<MedicationRequest | ServiceRequest>, c: CardContext): Card {
  const uuid = nameUuid(c.serviceId, c.hookInstance, f.id);
  const draft = drafts[f.draftIndex];
  const suggestions: Suggestion[] = [];
  if (draft) {
    f.suggestions.forEach((s, i) => {
      const a = action(s, draft);
      if (a) suggestions.push({ label: s.label, uuid: nameUuid(uuid, String(i)), isRecommended: suggestions.length === 0 && f.severity === 'high', actions: [a] });
    });
  }
  const links = earlierLink(f.earlierResult, c);
  const url = f.references.find((r) => r.url)?.url;
  return {
    uuid,
    summary: f.summary.length > 140 ? `${f.summary.slice(0, 139)}…` : f.summary,
    detail: detailOf(f),
    indicator: INDICATOR[f.severity],
    source: { label: SOURCE_LABEL, ...(url ? { url } : {}), topic: { system: RULE_SYSTEM, code: f.rule, display: f.kind } },
    ...(suggestions.length > 0 ? { suggestions, selectionBehavior: 'at-most-one' as const } : {}),
    overrideReasons: [...OVERRIDE_REASONS],
    ...(links.length > 0 ? { links } : {}),
  };
}
