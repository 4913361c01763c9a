/**
 * The outbound client: calls a partner's FHIR API as this deployment, through SMART Backend
 * Services. The partner's token endpoint is read from `<fhirBase>/.well-known/smart-configuration`;
 * the token is asked with client_credentials and a private_key_jwt assertion signed by the
 * exchange key (aud = that token endpoint), and kept until 30 s before it expires. A 401 from
 * the partner drops the kept token and asks a new one, once.
 *
 * Network failures, timeouts and token failures throw an ExchangeError; the partner's HTTP error
 * statuses are answered, not thrown (the caller decides what a 403 or 404 means). It does not
 * check consent or audit: the operations that call it do.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, type CryptoKey } from 'jose';
import { EXCHANGE_ALG } from './exchange-key.ts';
import { ExchangeError, ON_BEHALF_HEADER, PURPOSE_HEADER, type ExchangeClient, type ExchangeRequest, type ExchangeResponse, type Partner } from '../types.ts';

/** The scope asked at partners: read and search (what a partner's client is registered with). */
export const PARTNER_SCOPE = 'system/*.rs';
const TIMEOUT_MS = 15_000;
const EARLY_MS = 30_000;

interface KeptToken {
  value: string;
  /** When to stop using it (30 s before it expires). */
  until: number;
}

export interface ExchangeClientOptions {
  signingKey: { key: CryptoKey; kid: string };
  timeoutMs?: number;
  now?: () => number;
}

/** A header value: printable ASCII, anything else percent-encoded (read it with decodeURIComponent). */
function headerText(text: string): string {
  return text.replace(/[^\x20-\x7e]|%/g, (c) => encodeURIComponent(c));
}

export class PartnerClient implements ExchangeClient {
  private readonly tokens = new Map<string, KeptToken>();
  private readonly endpoints = new Map<string, string>();
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: ExchangeClientOptions) {
    this.timeoutMs = opts.timeoutMs ?? TIMEOUT_MS;
    this.now = opts.now ?? Date.now;
  }

  async call(partner: Partner, req: ExchangeRequest): Promise<ExchangeResponse> {
    if (!partner.active) throw new ExchangeError(`${partner.name} is disabled in the partner directory`, partner.name);
    const first = await this.send(partner, req, await this.token(partner));
    if (first.status !== 401) return first;
    // The partner forgot the token (restart without its store, revocation): ask again, once.
    this.tokens.delete(this.key(partner));
    return this.send(partner, req, await this.token(partner));
  }

  /** A token at the partner (kept, or asked now). Throws ExchangeError when the partner refuses. */
  async token(partner: Partner): Promise<string> {
    const kept = this.tokens.get(this.key(partner));
    if (kept && kept.until > this.now()) return kept.value;
    const endpoint = await this.tokenEndpoint(partner);
    const assertion = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: EXCHANGE_ALG, kid: this.opts.signingKey.kid, typ: 'JWT' })
      .setIssuer(partner.outboundClientId)
      .setSubject(partner.outboundClientId)
      .setAudience(endpoint)
      .setIssuedAt()
      .setExpirationTime('4m')
      .sign(this.opts.signingKey.key);
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      scope: PARTNER_SCOPE,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    });
    const res = await this.fetch(partner, endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: body.toString() });
    const json = (await res.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown };
    if (!res.ok || typeof json.access_token !== 'string') {
      const why = typeof json.error === 'string' ? `${json.error}${typeof json.error_description === 'string' ? `: ${json.error_description}` : ''}` : `HTTP ${res.status}`;
      throw new ExchangeError(`${partner.name} refused a token (${why})`, partner.name);
    }
    const lifetime = typeof json.expires_in === 'number' && json.expires_in > 0 ? json.expires_in * 1000 : 60_000;
    this.tokens.set(this.key(partner), { value: json.access_token, until: this.now() + lifetime - EARLY_MS });
    return json.access_token;
  }

  private key(p: Partner): string {
    return `${p.fhirBase}\u001f${p.outboundClientId}`;
  }

  private async tokenEndpoint(partner: Partner): Promise<string> {
    const known = this.endpoints.get(partner.fhirBase);
    if (known) return known;
    const res = await this.fetch(partner, `${partner.fhirBase}/.well-known/smart-configuration`, { headers: { accept: 'application/json' } });
    const json = (await res.json().catch(() => undefined)) as { token_endpoint?: unknown } | undefined;
    const endpoint = json?.token_endpoint;
    if (!res.ok || typeof endpoint !== 'string' || !/^https?:\/\//.test(endpoint)) {
      throw new ExchangeError(`${partner.name} publishes no token endpoint at ${partner.fhirBase}/.well-known/smart-configuration (HTTP ${res.status})`, partner.name);
    }
    this.endpoints.set(partner.fhirBase, endpoint);
    return endpoint;
  }

  private async send(partner: Partner, req: ExchangeRequest, token: string): Promise<ExchangeResponse> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      accept: 'application/fhir+json',
      [PURPOSE_HEADER]: req.purposeOfUse ?? 'TREAT',
    };
    if (req.onBehalfOf?.fhirUser || req.onBehalfOf?.display) headers[ON_BEHALF_HEADER] = headerText(`${req.onBehalfOf.fhirUser ?? ''}|${req.onBehalfOf.display ?? ''}`);
    if (req.body !== undefined) headers['content-type'] = 'application/fhir+json';
    const path = req.path.startsWith('/') ? req.path : `/${req.path}`;
    const res = await this.fetch(partner, `${partner.fhirBase}${path}`, { method: req.method, headers, ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}) });
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw new ExchangeError(`${partner.name}: the answer was cut off (${(err as Error).message})`, partner.name);
    }
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: res.status, body };
  }

  private async fetch(partner: Partner, url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      const e = err as Error;
      const why = e.name === 'TimeoutError' ? `no answer within ${Math.round(this.timeoutMs / 1000)} s` : (e.cause instanceof Error ? e.cause.message : e.message);
      throw new ExchangeError(`${partner.name} is unreachable at ${new URL(url).origin} (${why})`, partner.name);
    }
  }
}
