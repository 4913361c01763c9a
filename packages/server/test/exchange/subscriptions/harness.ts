/**
 * What the Subscription tests share: a real test server (jobs off, so the test runs the delivery
 * loop itself with an exchange key it made: in this branch the deployment's keys are a stub), a
 * local HTTP receiver standing in for a partner's endpoint, and the check of a notification's
 * detached JWS against the key the loop signed with (jose).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CompactSign, compactVerify, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { SearchParamRegistry } from '@continuum/fhir';
import type { AuditRecord } from '../../../src/auth/audit-sink.ts';
import { DeliveryLoop, type DeliveryLoopOptions } from '../../../src/exchange/subscriptions/delivery-loop.ts';
import type { ExchangeKeys, Partner } from '../../../src/exchange/types.ts';
import { createIndexer } from '../../../src/store/indexer.ts';
import { Repository } from '../../../src/store/repository.ts';
import type { TestServer } from '../../fixtures/server.ts';

export interface TestKeys extends ExchangeKeys {
  publicKey: CryptoKey;
  jwk: JWK;
}

/** An ES384 exchange key whose signatures name `iss` (our FHIR base) and the kid in the protected header. */
export async function testKeys(iss: string, kid = 'test-exchange-1'): Promise<TestKeys> {
  const { privateKey, publicKey } = await generateKeyPair('ES384', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES384', use: 'sig' };
  return {
    publicKey,
    jwk,
    async sign(payload, opts = {}) {
      const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
      const jws = await new CompactSign(bytes).setProtectedHeader({ alg: 'ES384', kid, iss, ...(opts.typ ? { typ: opts.typ } : {}) }).sign(privateKey);
      if (!opts.detached) return jws;
      const [h, , s] = jws.split('.');
      return `${h}..${s}`;
    },
    jwks: () => ({ keys: [jwk] }),
    kid: () => kid,
  };
}

/** Verifies a detached JWS over `body`; answers its protected header. */
export async function verifyDetached(signature: string, body: string, key: CryptoKey): Promise<Record<string, unknown>> {
  const [h, p, s] = signature.split('.');
  if (p !== '') throw new Error('not a detached JWS');
  const { protectedHeader } = await compactVerify(`${h}.${Buffer.from(body).toString('base64url')}.${s}`, key);
  return protectedHeader as Record<string, unknown>;
}

export interface Received {
  at: number;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** What to answer from now on. */
  answer(status: number): void;
  close(): Promise<void>;
}

export async function startReceiver(status = 200): Promise<Receiver> {
  const received: Received[] = [];
  let answer = status;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ at: Date.now(), path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status: answer });
      res.writeHead(answer, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    answer: (s) => {
      answer = s;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function until<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The delivery loop over the test server's database, signing with `keys`. */
export function deliveryLoop(server: TestServer, keys: ExchangeKeys, opts: DeliveryLoopOptions = {}, partners: Partner[] = [], audit: AuditRecord[] = []): DeliveryLoop {
  return new DeliveryLoop(
    {
      db: server.database.db,
      repoFor: async (tenant) => new Repository({ db: server.database.db, indexer: createIndexer(SearchParamRegistry.r4()) }, tenant),
      exchange: {
        origin: server.origin,
        keys,
        audit: { record: async (r) => void audit.push(r) },
        partners: () => ({ list: async () => partners, get: async (id) => partners.find((p) => p.organizationId === id), byInboundClient: async () => undefined }),
      },
    },
    { pollMs: 200, backoffMs: 150, maxAttempts: 4, timeoutMs: 2000, ...opts },
  );
}
