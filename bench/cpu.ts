/**
 * Where the CPU went during a measured run: the server child (from /proc/<pid>/stat), the load
 * generator itself (process.cpuUsage) and the whole machine (from /proc/stat), each in cores
 * busy on average. On a 2-core box shared by server, database and load generator, these show
 * which of them is the bottleneck. The server counts with its descendants, so a `--workers N`
 * cluster (a primary and N worker processes) is measured whole. Linux only; elsewhere the
 * figures are zero.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICK = 100; // USER_HZ: /proc reports CPU times in 1/100 s on Linux

export interface CpuShare {
  serverCores: number;
  /** PostgreSQL backends serving the benchmark database (0 for PGlite, which runs in-process). */
  databaseCores: number;
  loadGeneratorCores: number;
  machineCores: number;
}

function procSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    // Fields after the ")" that closes the command name: utime is the 12th, stime the 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / TICK;
  } catch {
    return 0;
  }
}

/**
 * `pid` and every Node process descended from it (cluster workers), from the parent pids in
 * /proc/<pid>/stat. tsx's esbuild service is left out, so single-process figures stay comparable
 * with earlier results.
 */
export function processTree(pid: number | undefined): number[] {
  if (pid === undefined) return [];
  const parents = new Map<number, number[]>();
  try {
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        if (!stat.includes('(node)')) continue;
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        parents.set(ppid, [...(parents.get(ppid) ?? []), Number(d)]);
      } catch {
        // the process ended while we listed /proc
      }
    }
  } catch {
    return [pid];
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...(parents.get(out[i]!) ?? []));
  return out;
}

function machineSeconds(): number {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: busy = all but idle and iowait
    const busy = cpu.slice(0, 8).reduce((a, b) => a + b, 0) - (cpu[3] ?? 0) - (cpu[4] ?? 0);
    return busy / TICK;
  } catch {
    return 0;
  }
}

/**
 * Starts a CPU meter; calling the returned function gives the shares since the start. The server
 * is the process tree under `serverPid` as it is when the meter starts.
 */
export function cpuMeter(serverPid?: number, databasePids: number[] = []): () => CpuShare {
  const sum = (pids: number[]): number => pids.reduce((s, pid) => s + procSeconds(pid), 0);
  const serverPids = processTree(serverPid);
  const serverSeconds = (): number => sum(serverPids);
  const dbSeconds = (): number => sum(databasePids);
  const t0 = performance.now();
  const s0 = serverSeconds();
  const d0 = dbSeconds();
  const l0 = process.cpuUsage();
  const m0 = machineSeconds();
  return () => {
    const wall = (performance.now() - t0) / 1000;
    const l = process.cpuUsage(l0);
    const r = (x: number): number => Math.round((x / wall) * 100) / 100;
    return {
      serverCores: r(serverSeconds() - s0),
      databaseCores: r(dbSeconds() - d0),
      loadGeneratorCores: r((l.user + l.system) / 1e6),
      machineCores: r(machineSeconds() - m0),
    };
  };
}
