/**
 * The closed-loop load generator: `concurrency` workers each run one task after another until
 * the deadline, and every task's latency is recorded. A task resolves to the number of units it
 * completed (1 request, or 100 resources for a bundle) or throws, which counts as an error. The
 * same loop drives both the HTTP load against Continuum and the direct-database ceiling, so the
 * two figures are measured the same way. The HTTP client is Node's `http` with a keep-alive
 * agent (one socket per worker); it does not parse bodies unless asked.
 */
import http from 'node:http';

export type Task = () => Promise<number>;

export interface LoadResult {
  seconds: number;
  requests: number;
  units: number;
  errors: number;
  /** Per-request latencies in milliseconds, sorted ascending. */
  latencies: Float64Array;
  firstError?: string;
}

export async function runLoad(concurrency: number, seconds: number, task: Task): Promise<LoadResult> {
  const deadline = performance.now() + seconds * 1000;
  const samples: number[] = [];
  let units = 0;
  let errors = 0;
  let firstError: string | undefined;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        const done = await task(); // not `units += await task()`: that reads `units` before awaiting
        units += done;
      } catch (err) {
        errors++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
      samples.push(performance.now() - t0);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - start) / 1000;
  const latencies = Float64Array.from(samples).sort();
  return { seconds: elapsed, requests: samples.length, units, errors, latencies, ...(firstError ? { firstError } : {}) };
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export interface HttpResponse {
  status: number;
  body: string;
  /** The ETag header, if any (`W/"3"`). */
  etag?: string;
}

/** A minimal keep-alive HTTP client for one origin. */
export class HttpClient {
  private readonly agent: http.Agent;
  /** Sent with every request: the bearer token, when the server has authorization on. */
  authorization: string | undefined;

  constructor(
    private readonly host: string,
    private readonly port: number,
    sockets: number,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  }

  request(method: string, path: string, body?: string, readBody = false, extraHeaders: Record<string, string> = {}): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = { accept: 'application/fhir+json', ...(this.authorization ? { authorization: this.authorization } : {}), ...extraHeaders };
      if (body !== undefined) {
        headers['content-type'] = 'application/fhir+json';
        headers['content-length'] = Buffer.byteLength(body);
      }
      const req = http.request({ host: this.host, port: this.port, method, path, headers, agent: this.agent }, (res) => {
        const status = res.statusCode ?? 0;
        const keep = readBody || status < 200 || status >= 300; // failures always keep their body
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => void (keep && chunks.push(c)));
        const etag = res.headers.etag;
        res.on('end', () => resolve({ status, body: keep ? Buffer.concat(chunks).toString('utf8') : '', ...(etag ? { etag } : {}) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Like `request`, but a non-2xx status is an error carrying the start of the body. */
  async expectOk(method: string, path: string, body?: string, readBody = false): Promise<HttpResponse> {
    const res = await this.request(method, path, body, readBody);
    if (res.status < 200 || res.status >= 300) throw new Error(`${method} ${path} -> ${res.status} ${res.body.slice(0, 300)}`);
    return res;
  }

  close(): void {
    this.agent.destroy();
  }
}
