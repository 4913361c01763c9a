/**
 * The one FHIR client every screen uses: typed reads and searches over the server's FHIR R4 API
 * with the signed-in user's bearer token. A failed request becomes a `FhirError` carrying the
 * server's OperationOutcome (its text is what the user sees); a 401 tells the app the session is
 * over, so it can send the user back to sign in. It knows nothing of React.
 */
import type { Bundle, OperationOutcome, Resource, ResourceType } from '@medplum/fhirtypes';

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
}

export interface FhirClientOptions {
  /** The FHIR base, e.g. `/fhir` or `https://ehr.example/fhir`. */
  baseUrl: string;
  /** The current access token, if any. */
  token: () => string | undefined;
  /** Called once a request is answered 401: the token expired or was revoked. */
  onUnauthorized: () => void;
  /** Called after each answered request with the user's token (it resets the server's idle clock). */
  onActivity?: () => void;
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

  /** Posts a transaction Bundle to the base: every entry is applied, or none is. */
  async transaction(bundle: Bundle): Promise<Bundle> {
    return this.send<Bundle>('', { method: 'POST', body: JSON.stringify(bundle), headers: { 'content-type': 'application/fhir+json' } });
  }

  private async send<T>(path: string, init: RequestInit): Promise<T> {
    const token = this.opts.token();
    const base = this.opts.baseUrl.replace(/\/$/, '');
    const res = await this.fetchImpl(path ? `${base}/${path}` : base, {
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
    else if (token) this.opts.onActivity?.();
    if (!res.ok) {
      const outcome = (body as { resourceType?: string } | undefined)?.resourceType === 'OperationOutcome' ? (body as OperationOutcome) : undefined;
      throw new FhirError(res.status, outcomeText(outcome) ?? `The server answered ${res.status}`, outcome);
    }
    return body as T;
  }
}
