/**
 * CDS Hooks 2.0 (https://cds-hooks.hl7.org/2.0/) as TypeScript: the discovery document, the hook
 * request, the response and its cards, and the feedback body. Plain JSON shapes, no behaviour;
 * the validators (`request.ts`, `feedback.ts`) turn untrusted JSON into these.
 */
import type { Bundle, Coding, Resource } from '@medplum/fhirtypes';

export type HookName = 'patient-view' | 'order-select' | 'order-sign';
export const HOOKS: readonly HookName[] = ['patient-view', 'order-select', 'order-sign'];
export const isHook = (s: string): s is HookName => (HOOKS as readonly string[]).includes(s);

export interface ServiceDefinition {
  hook: HookName;
  id: string;
  title: string;
  description: string;
  prefetch: Record<string, string>;
  usageRequirements?: string;
}

export interface HookContext {
  userId: string;
  patientId: string;
  encounterId?: string;
  /** order-select: references to the drafts the user just chose, e.g. `MedicationRequest/<id>`. */
  selections?: string[];
  /** order-select and order-sign: the draft orders, a Bundle of MedicationRequest / ServiceRequest. */
  draftOrders?: Bundle;
}

export interface FhirAuthorization {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  subject: string;
  patient?: string;
}

export interface HookRequest {
  hook: HookName;
  hookInstance: string;
  fhirServer?: string;
  fhirAuthorization?: FhirAuthorization;
  context: HookContext;
  /** Prefetch results by key; a key may hold null when the client could not fetch it. */
  prefetch?: Record<string, Resource | null>;
}

export interface Action {
  type: 'create' | 'update' | 'delete';
  description: string;
  resource?: Resource;
  resourceId?: string[];
}

export interface Suggestion {
  label: string;
  uuid?: string;
  isRecommended?: boolean;
  actions?: Action[];
}

export interface Link {
  label: string;
  url: string;
  type: 'absolute' | 'smart';
  appContext?: string;
}

export interface Card {
  uuid?: string;
  summary: string;
  detail?: string;
  indicator: 'info' | 'warning' | 'critical';
  source: { label: string; url?: string; icon?: string; topic?: Coding };
  suggestions?: Suggestion[];
  selectionBehavior?: 'at-most-one' | 'any';
  overrideReasons?: Coding[];
  links?: Link[];
}

export interface HookResponse {
  cards: Card[];
}

export interface Feedback {
  card: string;
  outcome: 'accepted' | 'overridden';
  acceptedSuggestions?: Array<{ id: string }>;
  overrideReason?: { reason?: Coding; userComment?: string };
  outcomeTimestamp: string;
}
