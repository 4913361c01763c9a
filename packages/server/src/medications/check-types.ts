/**
 * The contract between the medication knowledge (catalogue, classes, interaction, allergy and dose
 * rules: `medications/`) and the services that ask it (CDS Hooks `order-select` and `order-sign`:
 * `cds/`). The entry point is `runOrderChecks(input: OrderCheckInput): OrderCheckFinding[]` in
 * `medications/checks.ts`. The checks are pure: the caller reads the patient's record (from the hook's prefetch or
 * the FHIR API) and passes it in; nothing here does I/O, and the time is a parameter.
 */
import type { AllergyIntolerance, MedicationRequest, MedicationStatement, Observation, Patient, Reference, ServiceRequest } from '@medplum/fhirtypes';

/**
 * What kind of problem a finding is. The CDS service maps each to a code for DetectedIssue.code
 * (v3 ActCode where one fits: DRG, ALGY, DUPTHPY, DOSEH / DOSEL).
 */
export type FindingKind = 'drug-drug' | 'drug-allergy' | 'drug-intolerance' | 'duplicate-therapy' | 'dose-single' | 'dose-daily' | 'duplicate-lab';

/** DetectedIssue.severity; a CDS card's indicator is critical / warning / info respectively. */
export type FindingSeverity = 'high' | 'moderate' | 'low';

export interface FindingReference {
  /** Human-readable source, e.g. "Phansalkar S, et al. JAMIA 2012;19:735-743". */
  label: string;
  url?: string;
}

export interface FindingSuggestion {
  /** Shown on the card's button, e.g. "Remove the simvastatin order", "Switch to pravastatin 40 MG Oral Tablet". */
  label: string;
  /** Remove the draft order, or replace its medication with `replacement`. */
  action: 'remove-draft' | 'replace-medication';
  /** For replace-medication: the RxNorm code and display to order instead. */
  replacement?: { code: string; display: string };
}

export interface OrderCheckFinding {
  /**
   * Stable across repeated calls with the same input (same drafts, same record), so that a client
   * can match an override to the finding it answers: built from the rule and what it implicates,
   * e.g. `drug-drug:onc-03:rxnorm-617312:MedicationRequest/abc`.
   */
  id: string;
  kind: FindingKind;
  severity: FindingSeverity;
  /** One line, under 140 characters: what and why, e.g. "Simvastatin with clarithromycin: risk of myopathy". */
  summary: string;
  /** Markdown: the mechanism, what to do instead, what was compared (doses, dates, classes). */
  detail: string;
  references: FindingReference[];
  /** Index into `OrderCheckInput.drafts` of the draft order the finding is about. */
  draftIndex: number;
  /**
   * What else is involved, as FHIR references with display: the active MedicationRequest or
   * MedicationStatement, the AllergyIntolerance, the earlier ServiceRequest or Observation.
   * References to other drafts use `#draft-<index>`.
   */
  implicated: Reference[];
  suggestions: FindingSuggestion[];
  /** For a duplicate lab order: the earlier result to show (an Observation reference with display). */
  earlierResult?: Reference;
  /** The rule that fired, for feedback and audit, e.g. `onc-hp-03` or `allergy-class:penicillins`. */
  rule: string;
}

export interface OrderCheckSettings {
  /** Days within which the same lab test ordered or resulted counts as a duplicate; default 1, per-LOINC overrides. */
  duplicateLabWindowDays: number;
  duplicateLabWindowByLoinc?: Readonly<Record<string, number>>;
}

export interface OrderCheckInput {
  patient: Patient;
  /** Latest body weight in kg, if recorded (LOINC 29463-7), with its date. */
  weight?: { kg: number; date: string };
  /** The orders being selected or signed (the hook's `draftOrders`). */
  drafts: ReadonlyArray<MedicationRequest | ServiceRequest>;
  /** The patient's active (and on-hold) medication orders and statements, excluding the drafts. */
  activeMedications: ReadonlyArray<MedicationRequest | MedicationStatement>;
  /** All AllergyIntolerance resources (the check ignores refuted / entered-in-error / inactive ones). */
  allergies: ReadonlyArray<AllergyIntolerance>;
  /** Lab ServiceRequests and laboratory Observations from within the longest duplicate window. */
  recentLabOrders: ReadonlyArray<ServiceRequest>;
  recentLabResults: ReadonlyArray<Observation>;
  now: Date;
  settings: OrderCheckSettings;
}
