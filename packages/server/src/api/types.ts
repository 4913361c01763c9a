/**
 * The FHIR API's own request and response: plain data, no HTTP framework. The HTTP edge builds
 * a FhirRequest and sends back a FhirResponse; everything between is testable in-process.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { ReindexService } from '../search-params/reindex-service.ts';
import type { Principal } from '../access/policy.ts';
import type { AuditReader } from './interactions/audit.ts';
import type { Repository } from '../store/repository.ts';
import type { MailSender } from '../mail/mail-sender.ts';
import type { ExchangeServices } from '../exchange/types.ts';

export interface FhirRequest {
  method: string;
  /** Path below the FHIR base, without query, e.g. `/Patient/123/_history/2`. */
  path: string;
  query: ReadonlyArray<readonly [string, string]>;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string | undefined>>;
  body?: unknown;
}

export interface FhirResponse {
  status: number;
  headers: Record<string, string>;
  /** A resource, or pre-serialised JSON text of one (sent as-is: the fast read path). */
  body?: Resource | string;
}

export interface ApiContext {
  repo: Repository;
  /** Absolute base URL of the FHIR endpoint, e.g. `http://localhost:8080/fhir`. */
  baseUrl: string;
  /** Reindex jobs (`$reindex`, `$reindex-status`); absent where the operations are not offered. */
  reindex?: ReindexService;
  /**
   * Who is calling. Set on every request when authorization is on; every interaction is then
   * checked against it (api/guard.ts). Absent only when authorization is switched off.
   */
  principal?: Principal;
  /** The audit trail, for the AuditEvent view; absent when auth (and so auditing) is off. */
  audit?: AuditReader;
  /** The configured mail transport (portal invitations); absent when auth is off. */
  mail?: MailSender;
  /**
   * Tells every node's bearer cache that a patient withdrew a proxy's access, so the proxies' next
   * requests see it at once; absent when auth (and so the cache) is off.
   */
  forgetProxiesOf?: (tenant: string, patient: string) => void;
  /** The OAuth endpoints apps use (SMART), for the CapabilityStatement; absent when auth is off. */
  oauth?: OAuthUris;
  /** Cross-organization exchange (partners, outbound calls, signing); absent when auth is off. */
  exchange?: ExchangeServices;
}

/** SMART's `oauth-uris`: where an app authorizes, gets, checks and revokes tokens, and manages its access. */
export interface OAuthUris {
  authorize: string;
  token: string;
  introspect: string;
  revoke: string;
  manage: string;
}

export function queryValue(req: FhirRequest, name: string): string | undefined {
  for (const [k, v] of req.query) if (k === name) return v;
  return undefined;
}
