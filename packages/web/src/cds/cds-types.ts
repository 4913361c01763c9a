/**
 * The CDS Hooks 2.0 shapes the web app exchanges with Continuum's CDS client routes
 * (`POST /cds-client/{hook}` and `POST /cds-client/feedback`): the hook contexts it sends, the
 * cards (each tagged with the `serviceId` that answered it) and service statuses it gets back,
 * and the feedback it reports. Types only; the spec is https://cds-hooks.hl7.org/2.0/.
 */
import type { Bundle, Coding, Resource } from '@medplum/fhirtypes';

export type Hook = 'patient-view' | 'order-select' | 'order-sign';
export type Indicator = 'info' | 'warning' | 'critical';

export interface PatientViewContext {
  userId: string;
  patientId: string;
  encounterId?: string;
}
export interface OrderSignContext extends PatientViewContext {
  draftOrders: Bundle;
}
export interface OrderSelectContext extends OrderSignContext {
  selections: string[];
}
export type HookContext = PatientViewContext | OrderSignContext | OrderSelectContext;

/** One hook call: which hook, with what context. */
export interface HookRequest {
  hook: Hook;
  context: HookContext;
}

export interface CdsAction {
  type: 'create' | 'update' | 'delete';
  description: string;
  resource?: Resource;
  /** For `delete`: the references of what to remove, e.g. `MedicationRequest/<draft id>`. */
  resourceId?: string[];
}

export interface CdsSuggestion {
  uuid: string;
  label: string;
  isRecommended?: boolean;
  actions: CdsAction[];
}

export interface CdsLink {
  label: string;
  url: string;
  type: 'absolute' | 'smart';
  appContext?: string;
}

export interface CdsCard {
  uuid: string;
  /** The service that answered the card: feedback goes back to it. */
  serviceId: string;
  summary: string;
  /** GitHub-flavoured markdown, rendered as plain text structure (never as HTML). */
  detail?: string;
  indicator: Indicator;
  source: { label: string; url?: string; topic?: Coding };
  suggestions?: CdsSuggestion[];
  selectionBehavior?: 'at-most-one' | 'any';
  overrideReasons?: Coding[];
  links?: CdsLink[];
}

export interface CdsServiceStatus {
  id: string;
  title?: string;
  status: 'ok' | 'failed' | 'timeout';
}

export interface HookResult {
  cards: CdsCard[];
  services: CdsServiceStatus[];
}

export interface CdsFeedback {
  card: string;
  outcome: 'accepted' | 'overridden';
  acceptedSuggestions?: { id: string }[];
  overrideReason?: { reason?: Coding; userComment?: string };
  outcomeTimestamp: string;
}
