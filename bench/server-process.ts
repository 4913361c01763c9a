/**
 * Runs the server under test as a separate child process (`bin/continuum.js start`; with
 * `--cpu-prof`, the sources through tsx), so
 * that the load generator and the server never share an event loop. It picks a free port, waits
 * for the start-up line (which a `--workers N` cluster prints once every worker listens) and
 * `/healthz`, reads the resident memory of the child and its descendants from /proc, and stops
 * it with SIGTERM (which lets `--cpu-prof` write its profile). It does not know which database the child uses beyond
 * the environment it is given.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { processTree } from './cpu.ts';

export interface ServerProcess {
  port: number;
  pid: number;
  /**
   * Gives `client` a token of the bootstrap system client and renews it before it expires
   * (nothing when the server runs with CONTINUUM_AUTH=off).
   */
  authorize(client: { authorization: string | undefined }): Promise<void>;
  /** Resident set size in MiB of the child and its descendants, from /proc/<pid>/status VmRSS. */
  rssMiB(): number;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** The bootstrap system client the benchmarks register through the environment (contract). */
const BENCH_CLIENT = { id: 'bench-system', secret: 'bench-system-secret-0123456789abcdef' };

export async function startServer(
  repoRoot: string,
  env: Record<string, string>,
  nodeArgs: string[] = [],
  startArgs: string[] = [],
): Promise<ServerProcess> {
  const port = await freePort();
  // The bootstrap system client of the contract; signing keys in a throw-away folder unless the
  // store's own folder is given (PGlite).
  const keysDir = env.CONTINUUM_DATA_DIR ? undefined : mkdtempSync(join(tmpdir(), 'continuum-bench-keys-'));
  const auth = env.CONTINUUM_AUTH !== 'off';
  env = { CONTINUUM_BOOTSTRAP_CLIENT_ID: BENCH_CLIENT.id, CONTINUUM_BOOTSTRAP_CLIENT_SECRET: BENCH_CLIENT.secret, ...(keysDir ? { CONTINUUM_DATA_DIR: keysDir } : {}), ...env };
  const timers: NodeJS.Timeout[] = [];
  // A profiled server runs its TypeScript through tsx, so that the profile names the source files
  // (the CLI's bundle would name its chunks); otherwise the bundle, as `npm start` runs it.
  const entry = nodeArgs.some((a) => a.startsWith('--cpu-prof')) ? ['--import', 'tsx', 'packages/server/src/cli/main.ts'] : ['packages/server/bin/continuum.js'];
  const child: ChildProcess = spawn(
    process.execPath,
    [...nodeArgs, ...entry, 'start', ...startArgs],
    {
      cwd: repoRoot,
      env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', CONTINUUM_DEMO: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  child.stdout?.on('data', (c: Buffer) => void (stdout = (stdout + c.toString()).slice(-4000)));
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => void (stderr = (stderr + c.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${stderr}`);
    if (stdout.includes('Continuum is listening') && (await healthy(port))) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not become healthy within 60 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  const token = async (): Promise<string> => {
    const res = await fetch(`http://127.0.0.1:${port}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${BENCH_CLIENT.id}:${BENCH_CLIENT.secret}`).toString('base64')}` },
      body: 'grant_type=client_credentials&scope=system%2F*.*',
    });
    const json = (await res.json()) as { access_token?: string };
    if (!json.access_token) throw new Error(`bench: no token from the server (${res.status})`);
    return json.access_token;
  };
  return {
    port,
    pid: child.pid!,
    async authorize(client) {
      if (!auth) return;
      client.authorization = `Bearer ${await token()}`;
      const timer = setInterval(() => void token().then((t) => (client.authorization = `Bearer ${t}`)).catch(() => undefined), 4 * 60_000);
      timer.unref();
      timers.push(timer);
    },
    rssMiB() {
      let kb = 0;
      for (const pid of processTree(child.pid)) {
        try {
          kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
        } catch {
          // the process ended meanwhile
        }
      }
      return Math.round((kb / 1024) * 10) / 10;
    },
    async stop() {
      for (const t of timers) clearInterval(t);
      if (keysDir) rmSync(keysDir, { recursive: true, force: true });
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function healthy(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    return res.ok;
  } catch {
    return false;
  }
}
