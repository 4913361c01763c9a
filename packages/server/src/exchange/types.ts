/**
 * The interfaces the parts of cross-organization exchange share. The partners part implements
 * them (partners/*); the others use them through `ApiContext.exchange` (FHIR operations) or the
 * deps given to `registerExchange` and `startExchange`.
 */
import type { Repository } from '../store/repository.ts';
import type { AuditSink } from '../auth/audit-sink.ts';

/** A trusted partner deployment, as this tenant's directory holds it (an Organization plus an Endpoint). */
export interface Partner {
  /** The partner's Organization id in this tenant. */
  organizationId: string;
  name: string;
  /** The Endpoint id in this tenant (its `address` is `fhirBase`). */
  endpointId: string;
  /** The partner's FHIR base, e.g. `http://127.0.0.1:8091/fhir` (no trailing slash). */
  fhirBase: string;
  /** The client id this deployment authenticates as at the partner (SMART Backend Services). */
  outboundClientId: string;
  /** The client id the partner authenticates as here (registered private_key_jwt client). */
  inboundClientId: string;
  /** Where the partner publishes its exchange keys (its `/exchange/jwks.json`). */
  jwksUri: string;
  active: boolean;
}

/** Why data is asked for: HL7 v3 PurposeOfUse codes (http://terminology.hl7.org/CodeSystem/v3-ActReason). */
export type PurposeOfUse = 'TREAT' | 'ETREAT' | 'HPAYMT' | 'HOPERAT' | 'PUBHLTH' | 'PATRQT' | 'COC';
export const PURPOSE_OF_USE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';
/** The header a partner request states its purpose of use in (one code of PurposeOfUse). */
export const PURPOSE_HEADER = 'x-purpose-of-use';
/** The header naming the partner's user a request is made for, as `Practitioner/x|Display Name`. */
export const ON_BEHALF_HEADER = 'x-on-behalf-of';

export interface ExchangeRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path and query below the partner's FHIR base, e.g. `/Patient/$match` or `/Patient/12/$everything?_count=100`. */
  path: string;
  /** A FHIR resource (sent as application/fhir+json). */
  body?: unknown;
  /** Default TREAT. */
  purposeOfUse?: PurposeOfUse;
  /** The local user the request is made for (`Practitioner/x`) and their display name, for the partner's audit. */
  onBehalfOf?: { fhirUser?: string; display?: string };
}

export interface ExchangeResponse {
  status: number;
  /** The parsed JSON body (a resource or OperationOutcome), undefined when empty. */
  body: unknown;
}

/** Calls a partner's FHIR API as this deployment (client_credentials + private_key_jwt, token cached until near expiry). */
export interface ExchangeClient {
  /**
   * Sends one request. Network failures, timeouts (default 15 s) and token failures throw an
   * ExchangeError; HTTP error statuses from the partner are returned, not thrown.
   */
  call(partner: Partner, req: ExchangeRequest): Promise<ExchangeResponse>;
}

export class ExchangeError extends Error {
  constructor(
    message: string,
    readonly partner: string,
  ) {
    super(message);
    this.name = 'ExchangeError';
  }
}

/** This deployment's own exchange signing key (ES384), published at `/exchange/jwks.json`. */
export interface ExchangeKeys {
  /** A compact JWS over the payload, detached form when `detached` (`header..signature`). */
  sign(payload: string | Uint8Array, opts?: { detached?: boolean; typ?: string }): Promise<string>;
  /** The public JWKS. */
  jwks(): { keys: Record<string, unknown>[] };
  /** The key id signing now. */
  kid(): string;
}

/** Verifies a partner's JWS against the partner's published keys (cached, refetched on unknown kid). */
export interface PartnerVerifier {
  /** Returns the payload when the signature is valid for one of the partner's keys, else throws ExchangeError. */
  verify(partner: Partner, jws: string, detachedPayload?: string | Uint8Array): Promise<Uint8Array>;
}

/** What FHIR operations get through `ApiContext.exchange`. */
export interface ExchangeServices {
  /** This deployment's public base (e.g. `http://127.0.0.1:8090`), without `/fhir`. */
  origin: string;
  client: ExchangeClient;
  keys: ExchangeKeys;
  verifier: PartnerVerifier;
  /** What a patient who recorded no exchange choice gets (CONTINUUM_EXCHANGE_CONSENT): pass it to consentDecision. */
  consentDefault: 'opt-in' | 'opt-out';
  /** The audit trail, for disclosures, denials and imports (durable before the answer goes out). */
  audit: AuditSink;
  /** The partner directory of a tenant, read through its repository. */
  partners(repo: Repository): PartnerDirectory;
}

export interface PartnerDirectory {
  list(): Promise<Partner[]>;
  get(organizationId: string): Promise<Partner | undefined>;
  /** The partner whose inbound client id this is (for partner principals). */
  byInboundClient(clientId: string): Promise<Partner | undefined>;
}
