/**
 * Several app nodes on one PostgreSQL, as real child processes (`bin/continuum.js start`): two
 * independent `start` processes on different ports, started at once on an empty database (so
 * their migrations race), and one `start --workers 2` cluster on a single port. Through both
 * topologies: a write on one node is readable at once on the other (read, search, history and a
 * history page cursor), 40 conditional creates with one identifier make one resource, and 20
 * If-Match updates have exactly one winner. The cluster also restarts a killed worker and stops
 * cleanly on SIGTERM. Only the refusal of `--workers 2` without DATABASE_URL runs on PGlite.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backend, createPgDatabase } from '../fixtures/backend.ts';
import { clientCredentialsToken, TEST_CLIENT } from '../fixtures/server.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const SKIP = backend === 'postgres' ? false : 'needs PostgreSQL: PGlite is a single-process embedded database';

interface Node {
  base: string;
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<number | null>;
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

/** The nodes' shared signing keys (several nodes over one database share one key file). */
const KEYS_DIR = mkdtempSync(join(tmpdir(), 'continuum-multinode-keys-'));

function cliEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOST: '127.0.0.1',
    CONTINUUM_DEMO: '0',
    CONTINUUM_DATA_DIR: KEYS_DIR,
    CONTINUUM_BOOTSTRAP_CLIENT_ID: TEST_CLIENT.id,
    CONTINUUM_BOOTSTRAP_CLIENT_SECRET: TEST_CLIENT.secret,
    ...extra,
  };
  if (!extra.DATABASE_URL) delete env.DATABASE_URL;
  return env;
}

/** Runs `continuum start` as a child and resolves once it announces its URL. */
async function startNode(env: Record<string, string>, args: string[] = []): Promise<Node> {
  const port = await freePort();
  const child = spawn(process.execPath, ['packages/server/bin/continuum.js', 'start', ...args], {
    cwd: ROOT,
    env: cliEnv({ ...env, PORT: String(port) }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (c: Buffer) => void (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node did not start within 60 s: ${err}`)), 60_000);
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(`${m[1]!}/fhir`);
      }
    });
    void exited.then((code) => reject(new Error(`node exited with ${code}: ${err}`)));
  });
  return {
    base,
    child,
    stderr: () => err,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      return child.exitCode;
    },
  };
}

interface Res {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

/** A token of the bootstrap client per node origin (a token names the FHIR base it is for). */
const tokens = new Map<string, Promise<string>>();
const tokenFor = (url: string): Promise<string> => {
  const origin = new URL(url).origin;
  let t = tokens.get(origin);
  if (!t) tokens.set(origin, (t = clientCredentialsToken(origin, TEST_CLIENT)));
  return t;
};

/** One request on a fresh connection (no keep-alive), so a cluster spreads them over workers. */
async function request(url: string, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res> {
  const authorization = `Bearer ${await tokenFor(url)}`;
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(url, { method, agent: false, headers: { accept: 'application/fhir+json', authorization, ...(data ? { 'content-type': 'application/fhir+json' } : {}), ...headers } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => void (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined }));
    });
    req.once('error', reject);
    req.end(data);
  });
}

const tally = (xs: number[]): Record<number, number> => xs.reduce<Record<number, number>>((t, x) => ({ ...t, [x]: (t[x] ?? 0) + 1 }), {});

/** The pids of `pid`'s child processes running the CLI (cluster workers). */
function workerPids(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid && readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('bin/continuum.js');
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** The consistency checks, over two FHIR bases (the same base twice for a cluster). */
function consistencyTests(bases: () => [string, string]): void {
  it('a write through one node is readable at once through the other: read, search, history, paging', async () => {
    const [a, b] = bases();
    const value = randomUUID();
    const created = await request(`${a}/Patient`, 'POST', { resourceType: 'Patient', identifier: [{ system: 'urn:multinode', value }] });
    assert.equal(created.status, 201);
    const id = created.json.id as string;
    const read = await request(`${b}/Patient/${id}`, 'GET');
    assert.equal(read.status, 200);
    assert.equal(read.json.meta.versionId, '1');
    const found = await request(`${b}/Patient?identifier=urn:multinode|${value}`, 'GET');
    assert.deepEqual(found.json.entry.map((e: { resource: { id: string } }) => e.resource.id), [id]);
    const updated = await request(`${b}/Patient/${id}`, 'PUT', { resourceType: 'Patient', id, active: true, identifier: [{ system: 'urn:multinode', value }] });
    assert.equal(updated.status, 200);
    const history = await request(`${a}/Patient/${id}/_history`, 'GET');
    assert.deepEqual(history.json.entry.map((e: { resource: { meta: { versionId: string } } }) => e.resource.meta.versionId), ['2', '1']);
    // A page cursor made by one node is followed by the other: cursors carry no node state.
    const page1 = await request(`${a}/Patient/${id}/_history?_count=1`, 'GET');
    const next = (page1.json.link as { relation: string; url: string }[]).find((l) => l.relation === 'next')!.url;
    const page2 = await request(b + next.slice(next.indexOf('/fhir') + '/fhir'.length), 'GET');
    assert.deepEqual(page2.json.entry.map((e: { resource: { meta: { versionId: string } } }) => e.resource.meta.versionId), ['1']);
  });

  it('40 concurrent conditional creates with one identifier, spread over the nodes, make one resource', async () => {
    const [a, b] = bases();
    const value = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        request(`${i % 2 === 0 ? a : b}/Patient`, 'POST', { resourceType: 'Patient', identifier: [{ system: 'urn:multinode', value }] }, { 'if-none-exist': `identifier=urn:multinode|${value}` }),
      ),
    );
    assert.deepEqual(tally(results.map((r) => r.status)), { 201: 1, 200: 39 });
    const found = await request(`${b}/Patient?identifier=urn:multinode|${value}`, 'GET');
    assert.equal(found.json.entry.length, 1);
  });

  it('20 concurrent If-Match updates spread over the nodes: exactly one wins', async () => {
    const [a, b] = bases();
    const created = await request(`${a}/Patient`, 'POST', { resourceType: 'Patient', active: true });
    const id = created.json.id as string;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        request(`${i % 2 === 0 ? a : b}/Patient/${id}`, 'PUT', { resourceType: 'Patient', id, birthDate: `2000-01-${String(i + 1).padStart(2, '0')}` }, { 'if-match': 'W/"1"' }),
      ),
    );
    assert.deepEqual(tally(results.map((r) => r.status)), { 200: 1, 412: 19 });
    const current = await request(`${b}/Patient/${id}`, 'GET');
    assert.equal(current.json.meta.versionId, '2');
  });
}

describe('two start processes on different ports over one DATABASE_URL', { skip: SKIP }, () => {
  let drop: (() => Promise<void>) | undefined;
  const nodes: Node[] = [];
  before(async () => {
    const pg = await createPgDatabase();
    drop = pg.drop;
    // Both start at once on an empty database: the migrations' advisory lock must serialise them.
    const started = await Promise.allSettled([startNode({ DATABASE_URL: pg.url }), startNode({ DATABASE_URL: pg.url })]);
    for (const s of started) if (s.status === 'fulfilled') nodes.push(s.value);
    for (const s of started) if (s.status === 'rejected') throw s.reason;
  });
  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await drop?.();
  });

  consistencyTests(() => [nodes[0]!.base, nodes[1]!.base]);
});

describe('start --workers 2: one port, one DATABASE_URL', { skip: SKIP }, () => {
  let drop: (() => Promise<void>) | undefined;
  let node: Node | undefined;
  before(async () => {
    const pg = await createPgDatabase();
    drop = pg.drop;
    node = await startNode({ DATABASE_URL: pg.url }, ['--workers', '2']);
  });
  after(async () => {
    await node?.stop();
    await drop?.();
  });

  it('runs two worker processes', () => {
    assert.equal(workerPids(node!.child.pid!).length, 2);
  });

  consistencyTests(() => [node!.base, node!.base]);

  it('restarts a worker that dies, and keeps serving', async () => {
    const before = workerPids(node!.child.pid!);
    process.kill(before[0]!, 'SIGKILL');
    const deadline = Date.now() + 30_000;
    let now = workerPids(node!.child.pid!);
    while ((now.length < 2 || now.includes(before[0]!)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      now = workerPids(node!.child.pid!);
    }
    assert.equal(now.length, 2);
    assert.ok(!now.includes(before[0]!));
    await new Promise((r) => setTimeout(r, 2000)); // let the new worker open its pool and listen
    const results = await Promise.all(Array.from({ length: 10 }, () => request(`${node!.base}/metadata`, 'GET')));
    assert.deepEqual(tally(results.map((r) => r.status)), { 200: 10 });
  });

  it('stops every worker and exits 0 on SIGTERM', async () => {
    const pids = workerPids(node!.child.pid!);
    assert.equal(await node!.stop(), 0);
    for (const pid of pids) assert.throws(() => process.kill(pid, 0), 'worker still running');
  });
});

describe('start --workers on PGlite', () => {
  it('refuses --workers 2 without DATABASE_URL, before opening the data folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'continuum-multinode-'));
    try {
      const dataDir = join(dir, 'data');
      const child = spawn(process.execPath, ['packages/server/bin/continuum.js', 'start', '--workers', '2'], {
        cwd: ROOT,
        env: cliEnv({ CONTINUUM_DATA_DIR: dataDir, PORT: String(await freePort()) }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (c: Buffer) => void (err += c.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      assert.equal(code, 1);
      assert.match(err, /--workers 2 needs PostgreSQL: set DATABASE_URL/);
      assert.deepEqual(readdirSync(dir), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

after(() => rmSync(KEYS_DIR, { recursive: true, force: true }));
