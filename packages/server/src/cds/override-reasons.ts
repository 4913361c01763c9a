/**
 * Continuum's override reasons for CDS cards (`Card.overrideReasons`) and the code systems its
 * cards use: the rule that fired (`Card.source.topic`) and the reasons a clinician may give for
 * going ahead anyway. Documented in docs/cds-hooks.md. The list is Continuum's own, short on
 * purpose (no standard value set of override reasons exists in CDS Hooks 2.0); a client may send
 * another coding or a free-text comment, and both are recorded as sent.
 */
import type { Coding } from '@medplum/fhirtypes';

export const OVERRIDE_REASON_SYSTEM = 'urn:continuum:cds-override-reason';
export const RULE_SYSTEM = 'urn:continuum:cds-rule';

export const OVERRIDE_REASONS: readonly Coding[] = [
  { system: OVERRIDE_REASON_SYSTEM, code: 'benefit-outweighs-risk', display: 'Benefit outweighs risk' },
  { system: OVERRIDE_REASON_SYSTEM, code: 'patient-tolerating', display: 'Patient already tolerating this combination' },
  { system: OVERRIDE_REASON_SYSTEM, code: 'will-monitor', display: 'Will monitor or adjust the dose' },
  { system: OVERRIDE_REASON_SYSTEM, code: 'not-clinically-relevant', display: 'Not clinically relevant for this patient' },
];

/** The reason a feedback names, if it is one of ours; an outside coding is recorded as sent. */
export function knownReason(c: Coding | undefined): Coding | undefined {
  if (!c) return undefined;
  return OVERRIDE_REASONS.find((r) => r.system === c.system && r.code === c.code);
}
