/**
 * The one FHIR client every screen uses: typed reads and searches over the server's FHIR R4 API
 * with the signed-in user's bearer token. A failed request becomes a `FhirError` carrying the
 * server's OperationOutcome (its text is what the user sees); a 401 tells the app the session is
 * over, so it can send the user back to sign in. It knows nothing of React.
 */
import type { Bundle, OperationOutcome, Parameters, Resource, ResourceType } from '@medplum/fhirtypes';

export type ResourceOf<K extends ResourceType> = Extract<Resource, { resourceType: K }>;
export type SearchParams = Record<string, string | number | undefined> | [string, string][];

export class FhirError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly outcome?: OperationOutcome,
  ) {
    super(message);
    this.name = 'FhirError';
  }

  /** Someone else changed the resource since it was read (412 on `If-Match`, or 409). */
  get conflict(): boolean {
    return this.status === 412 || this.status === 409;
  }
}

export interface JsonPatchOp {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: unknown;
  from?: string;
}

const WRITE_HEADERS = { 'content-type': 'application/fhir+json', prefer: 'return=representation' };

export interface FhirClientOptions {
  /** The FHIR base, e.g. `/fhir` or `https://ehr.example/fhir`. */
  baseUrl: string;
  /** The current access token, if any. */
  token: () => string | undefined;
  /** Called once a request is answered 401: the token expired or was revoked. */
  onUnauthorized: () => void;
  /**
   * Called after each answered request with the user's token, with the time (ms) it was sent: the
   * server's idle clock restarts when the request arrives, which is no earlier than that, so a
   * slow answer never makes the app think it has more time than the server gives it.
   */
  onActivity?: (sentAt: number) => void;
  fetch?: typeof fetch;
}

/** The text of an OperationOutcome's issues, for people. */
export function outcomeText(outcome: OperationOutcome | undefined): string | undefined {
  const texts = (outcome?.issue ?? []).map((i) => i.diagnostics ?? i.details?.text).filter((t): t is string => Boolean(t));
  return texts.length > 0 ? texts.join('; ') : undefined;
}

function query(params: SearchParams | undefined): string {
  if (!params) return '';
  const entries = Array.isArray(params) ? params : Object.entries(params).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)] as [string, string]]));
  const q = new URLSearchParams(entries).toString();
  return q ? `?${q}` : '';
}

export class FhirClient {
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly opts: FhirClientOptions) {
    this.fetchImpl = opts.fetch ?? ((input, init) => fetch(input, init));
  }

  async read<K extends ResourceType>(type: K, id: string, signal?: AbortSignal): Promise<ResourceOf<K>> {
    return this.get<ResourceOf<K>>(`${type}/${encodeURIComponent(id)}`, signal);
  }

  /** A search, answered as its Bundle (matches and any `_include`d resources). */
  async search<K extends ResourceType>(type: K, params?: SearchParams, signal?: AbortSignal): Promise<Bundle<ResourceOf<K>>> {
    return this.get<Bundle<ResourceOf<K>>>(`${type}${query(params)}`, signal);
  }

  /** The resources of type `type` a search matched (not the included ones). */
  async searchResources<K extends ResourceType>(type: K, params?: SearchParams, signal?: AbortSignal): Promise<ResourceOf<K>[]> {
    const bundle = await this.search(type, params, signal);
    return (bundle.entry ?? [])
      .filter((e) => e.search?.mode !== 'include')
      .map((e) => e.resource)
      .filter((r): r is ResourceOf<K> => r?.resourceType === type);
  }

  async get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.send<T>(path, { ...(signal ? { signal } : {}) });
  }

  /** Creates a resource; the server's stored copy (with its id and version) comes back. */
  async create<K extends ResourceType>(resource: ResourceOf<K> & { resourceType: K }): Promise<ResourceOf<K>> {
    return this.send<ResourceOf<K>>(resource.resourceType, { method: 'POST', body: JSON.stringify(resource), headers: WRITE_HEADERS });
  }

  /**
   * Updates a resource that was read before. The version read is sent as `If-Match`, so when
   * someone else changed it in between the server answers 412 and nothing is overwritten: the
   * error is a `FhirError` whose `conflict` is true.
   */
  async update<K extends ResourceType>(resource: ResourceOf<K> & { resourceType: K }): Promise<ResourceOf<K>> {
    if (!resource.id) throw new Error('update needs a resource with an id');
    const version = resource.meta?.versionId;
    const headers = { ...WRITE_HEADERS, ...(version ? { 'if-match': `W/"${version}"` } : {}) };
    return this.send<ResourceOf<K>>(`${resource.resourceType}/${encodeURIComponent(resource.id)}`, { method: 'PUT', body: JSON.stringify(resource), headers });
  }

  /** Applies a JSON Patch to the version read (`If-Match`), like `update`. */
  async patch<K extends ResourceType>(type: K, id: string, ops: JsonPatchOp[], versionId?: string): Promise<ResourceOf<K>> {
    const headers = { 'content-type': 'application/json-patch+json', prefer: 'return=representation', ...(versionId ? { 'if-match': `W/"${versionId}"` } : {}) };
    return this.send<ResourceOf<K>>(`${type}/${encodeURIComponent(id)}`, { method: 'PATCH', body: JSON.stringify(ops), headers });
  }

  async delete(type: ResourceType, id: string): Promise<void> {
    await this.send<unknown>(`${type}/${encodeURIComponent(id)}`, { method: 'DELETE' });
  }

  /** Every version of one resource, newest first. */
  async history<K extends ResourceType>(type: K, id: string, signal?: AbortSignal): Promise<ResourceOf<K>[]> {
    const bundle = await this.get<Bundle<ResourceOf<K>>>(`${type}/${encodeURIComponent(id)}/_history?_count=100`, signal);
    return (bundle.entry ?? []).map((e) => e.resource).filter((r): r is ResourceOf<K> => r?.resourceType === type);
  }

  /**
   * Invokes a FHIR operation with a `Parameters` body, e.g. `operation('Patient/1/$share', [...])`
   * (the path below the base). Its answer, a resource, comes back.
   */
  async operation<T>(path: string, parameter: Parameters['parameter'] = []): Promise<T> {
    const body: Parameters = { resourceType: 'Parameters', parameter };
    return this.send<T>(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/fhir+json' } });
  }

  /** Posts a transaction Bundle to the base: every entry is applied, or none is. */
  async transaction(bundle: Bundle): Promise<Bundle> {
    return this.send<Bundle>('', { method: 'POST', body: JSON.stringify(bundle), headers: { 'content-type': 'application/fhir+json' } });
  }

  /**
   * POSTs JSON to a non-FHIR route of the same server (an absolute path such as `/cds-client/x`,
   * taken on the FHIR base's host), with the same token and error handling as the FHIR calls.
   */
  async postJson<T>(path: `/${string}`, body: unknown, signal?: AbortSignal): Promise<T> {
    return this.json<T>('POST', path, body, signal);
  }

  /** Any method on a non-FHIR JSON route of the same server (e.g. `/auth/grants`), like `postJson`. */
  async json<T>(method: 'GET' | 'POST' | 'DELETE', path: `/${string}`, body?: unknown, signal?: AbortSignal): Promise<T> {
    const url = /^https?:/.test(this.opts.baseUrl) ? new URL(path, this.opts.baseUrl).href : path;
    const content = body === undefined ? {} : { body: JSON.stringify(body) };
    const headers = { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
    return this.send<T>(url, { method, ...content, headers, ...(signal ? { signal } : {}) }, true);
  }

  private async send<T>(path: string, init: RequestInit, absolute = false): Promise<T> {
    const token = this.opts.token();
    const base = this.opts.baseUrl.replace(/\/$/, '');
    const sentAt = Date.now();
    const res = await this.fetchImpl(absolute ? path : path ? `${base}/${path}` : base, {
      ...init,
      headers: { accept: 'application/fhir+json', ...(init.headers as Record<string, string> | undefined), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (res.status === 401) this.opts.onUnauthorized();
    else if (token) this.opts.onActivity?.(sentAt);
    if (!res.ok) {
      const outcome = (body as { resourceType?: string } | undefined)?.resourceType === 'OperationOutcome' ? (body as OperationOutcome) : undefined;
      throw new FhirError(res.status, outcomeText(outcome) ?? `The server answered ${res.status}`, outcome);
    }
    return body as T;
  }
}

/** What to tell the user about a failed request: the server's OperationOutcome text, or the error's. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
