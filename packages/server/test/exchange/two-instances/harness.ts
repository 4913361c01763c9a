/**
 * Two real Continuum deployments on loopback, for the cross-organization end-to-end test: each is
 * a `continuum start` child process on its own port with its own store (a PGlite data folder, or
 * a fresh PostgreSQL database when CONTINUUM_TEST_BACKEND=postgres) and its own data folder (so
 * its own signing and exchange keys). Before a process starts, the CLI adds a physician account
 * (PGlite admits one process at a time); once it listens, the bootstrap client writes the
 * physician's Practitioner and Organization, and the physician signs in as the web app does
 * (`continuum-web`: the login page, then the authorization code with PKCE). `close` stops both processes and removes their stores,
 * whatever state the test left them in; `explain` adds the tail of each process's stderr to an
 * error so that a failing step shows what the servers said. Nothing here mocks either server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Resource } from '@medplum/fhirtypes';
import { frontChannel, pkce, tokenRequest } from '../../auth/oauth-client.ts';
import { backend, freshStoreEnv, runCli } from '../../fixtures/backend.ts';
import { clientCredentialsToken, TEST_CLIENT } from '../../fixtures/server.ts';

const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
export const PASSWORD = 'Correct-Horse-Battery-9';
/** The clinician web app, a first-party client every start registers (no consent screen). */
const WEB_APP = 'continuum-web';
// Generous: on a loaded two-core machine a start has taken 80 s; on an idle one it takes a few.
const START_TIMEOUT_MS = 180_000;

export interface InstanceSpec {
  /** A short label for messages: `A`, `B`. */
  label: string;
  /** The organization this deployment is (its Organization resource gets this name). */
  organizationName: string;
  /** The physician's user name; their Practitioner is `Practitioner/<practitionerId>`. */
  physician: string;
  practitionerId: string;
  practitionerName: { family: string; given: string[] };
  organizationId: string;
}

export interface Answer {
  status: number;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export interface RequestOptions {
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  /** A bearer token; default the bootstrap system client's. */
  token?: string;
  anonymous?: boolean;
}

export class Instance {
  /** scheme://host:port, also CONTINUUM_BASE_URL */
  readonly origin: string;
  /** `<origin>/fhir` */
  readonly base: string;
  child?: ChildProcess;
  private err = '';
  private systemToken?: { value: string; at: number };
  /** The physician's access token (after `signIn`). */
  physicianToken = '';
  /** How long each set-up phase took, for the reader of a slow run. */
  readonly phases: string[] = [];
  private phaseAt = Date.now();

  constructor(
    readonly spec: InstanceSpec,
    readonly port: number,
    readonly env: Record<string, string>,
  ) {
    this.origin = `http://127.0.0.1:${port}`;
    this.base = `${this.origin}/fhir`;
  }

  mark(phase: string): void {
    this.phases.push(`${phase} ${((Date.now() - this.phaseAt) / 1000).toFixed(1)} s`);
    this.phaseAt = Date.now();
  }

  stderr(): string {
    return this.err;
  }

  /** Runs `continuum <args>` over this instance's store (only while the server is stopped, on PGlite). */
  async cli(args: string[], stdin = ''): Promise<string> {
    const run = await runCli(this.env, args, stdin);
    if (run.code !== 0) throw new Error(`${this.spec.label}: continuum ${args.slice(0, 2).join(' ')} exited ${run.code}: ${run.err}`);
    return run.out;
  }

  /** Starts `continuum start` and resolves once it listens and /healthz answers. */
  async start(): Promise<void> {
    const child = spawn(process.execPath, ['packages/server/bin/continuum.js', 'start'], {
      cwd: ROOT,
      env: childEnv(this.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stderr.on('data', (c: Buffer) => void (this.err += c.toString()));
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.spec.label} did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('listening on')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${this.spec.label} exited (${code ?? signal}) before listening`));
      });
    });
    const health = await fetch(`${this.origin}/healthz`);
    if (health.status !== 200) throw new Error(`${this.spec.label}: /healthz answered ${health.status}`);
  }

  /** Stops the process: SIGTERM, then SIGKILL after 10 s. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  /** A bootstrap-client token (`system/*.*`), renewed before its five minutes run out. */
  async bootstrapToken(): Promise<string> {
    if (!this.systemToken || Date.now() - this.systemToken.at > 4 * 60_000) {
      this.systemToken = { value: await clientCredentialsToken(this.origin, TEST_CLIENT), at: Date.now() };
    }
    return this.systemToken.value;
  }

  /** The physician signs in through the login and consent pages (authorization code + PKCE). */
  async signIn(): Promise<void> {
    const { verifier, challenge } = pkce();
    const redirect = `${this.origin}/callback`;
    const scope = 'openid fhirUser profile user/*.rs user/*.cud';
    const flow = await frontChannel(this.origin, { clientId: WEB_APP, redirectUri: redirect, scope, aud: this.base, challenge }, { username: this.spec.physician, password: PASSWORD });
    const code = flow.redirect.searchParams.get('code');
    if (!code) throw new Error(`${this.spec.label}: no authorization code: ${flow.redirect.searchParams.get('error') ?? flow.redirect.href}`);
    const tok = await tokenRequest(this.origin, { grant_type: 'authorization_code', code, redirect_uri: redirect, client_id: WEB_APP, code_verifier: verifier });
    if (tok.status !== 200) throw new Error(`${this.spec.label}: token request ${tok.status}: ${JSON.stringify(tok.json)}`);
    this.physicianToken = String(tok.json.access_token);
  }

  /** A FHIR request (path below /fhir, or an absolute URL). */
  async request(method: string, path: string, opts: RequestOptions = {}): Promise<Answer> {
    const headers: Record<string, string> = { accept: 'application/fhir+json', ...(opts.headers ?? {}) };
    if (!opts.anonymous) headers.authorization = `Bearer ${opts.token ?? (await this.bootstrapToken())}`;
    const body = opts.raw ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined);
    if (body !== undefined && !('content-type' in headers)) headers['content-type'] = 'application/fhir+json';
    const res = await fetch(path.startsWith('http') ? path : `${this.base}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, text, json };
  }

  /** The same request with the physician's token. */
  asPhysician(method: string, path: string, opts: Omit<RequestOptions, 'token'> = {}): Promise<Answer> {
    return this.request(method, path, { ...opts, token: this.physicianToken });
  }
}

function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (!env.DATABASE_URL) delete out.DATABASE_URL;
  return out;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** How a step begins its message when a step before it did not hand on what it needs. */
export const EARLIER_STEP = 'an earlier step did not provide';

export class Pair {
  readonly instances: Instance[] = [];
  private readonly cleanups: (() => Promise<void>)[] = [];
  private readonly onExit = (): void => {
    for (const i of this.instances) i.child?.kill('SIGKILL');
  };

  constructor() {
    // A test runner killed mid-test must not leave servers behind.
    process.once('exit', this.onExit);
  }

  /** Prepares a store, adds the accounts with the CLI, starts the server, writes the directory and signs the physician in. */
  async add(spec: InstanceSpec): Promise<Instance> {
    const store = await freshStoreEnv('default', `continuum-e2e-${spec.label.toLowerCase()}-`);
    this.cleanups.push(store.cleanup);
    // On PostgreSQL the store is a database: the keys still need a data folder of their own.
    let dataDir = store.env.CONTINUUM_DATA_DIR;
    if (!dataDir) {
      const dir = mkdtempSync(join(tmpdir(), `continuum-e2e-${spec.label.toLowerCase()}-keys-`));
      this.cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
      dataDir = dir;
    }
    const port = await freePort();
    const instance = new Instance(spec, port, {
      ...store.env,
      CONTINUUM_DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: String(port),
      CONTINUUM_BASE_URL: `http://127.0.0.1:${port}`,
      CONTINUUM_DEMO: '0',
      CONTINUUM_BOOTSTRAP_CLIENT_ID: TEST_CLIENT.id,
      CONTINUUM_BOOTSTRAP_CLIENT_SECRET: TEST_CLIENT.secret,
      // Nothing is disclosed without the patient's consent (the default, said here for the reader).
      CONTINUUM_EXCHANGE_CONSENT: 'opt-in',
      // The partner is on loopback: its keys may be fetched from there.
      CONTINUUM_EXCHANGE_PRIVATE_NETWORK: '1',
      CONTINUUM_MAIL: `file:${join(dataDir, 'mail')}`,
    });
    this.instances.push(instance);
    await instance.cli(
      ['users', 'add', '--username', spec.physician, '--kind', 'staff', '--role', 'physician', '--fhir-user', `Practitioner/${spec.practitionerId}`, '--organization', `Organization/${spec.organizationId}`, '--password-stdin'],
      PASSWORD,
    );
    instance.mark('users add');
    await instance.start();
    instance.mark('start');
    await this.put(instance, { resourceType: 'Organization', id: spec.organizationId, active: true, name: spec.organizationName });
    await this.put(instance, { resourceType: 'Practitioner', id: spec.practitionerId, active: true, name: [spec.practitionerName] });
    await instance.signIn();
    instance.mark('sign-in');
    return instance;
  }

  private async put(instance: Instance, resource: Resource & { id: string }): Promise<void> {
    const res = await instance.request('PUT', `/${resource.resourceType}/${resource.id}`, { body: resource });
    if (res.status !== 200 && res.status !== 201) throw new Error(`${instance.spec.label}: PUT ${resource.resourceType}/${resource.id} answered ${res.status}: ${res.text.slice(0, 300)}`);
  }

  /** Runs `fn`; a failure carries the tail of each server's stderr (not one that only says an earlier step failed). */
  async explain<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof Error && err.message.startsWith(EARLIER_STEP)) throw err;
      const logs = this.instances.map((i) => `--- ${i.spec.label} stderr (last 3000 chars) ---\n${i.stderr().slice(-3000) || '(empty)'}`).join('\n');
      if (err instanceof Error) err.message = `${err.message}\n${logs}`;
      throw err;
    }
  }

  async close(): Promise<void> {
    process.removeListener('exit', this.onExit);
    await Promise.all(this.instances.map((i) => i.stop()));
    for (const cleanup of this.cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

export const BACKEND = backend;
