/**
 * Where the CPU went during a measured run: the server child (from /proc/<pid>/stat), the load
 * generator itself (process.cpuUsage) and the whole machine (from /proc/stat), each in cores
 * busy on average. On a 2-core box shared by server, database and load generator, these show
 * which of them is the bottleneck. Linux only; elsewhere the figures are zero.
 */
import { readFileSync } from 'node:fs';

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

/** Starts a CPU meter; calling the returned function gives the shares since the start. */
export function cpuMeter(serverPid?: number, databasePids: number[] = []): () => CpuShare {
  const dbSeconds = (): number => databasePids.reduce((s, pid) => s + procSeconds(pid), 0);
  const t0 = performance.now();
  const s0 = procSeconds(serverPid);
  const d0 = dbSeconds();
  const l0 = process.cpuUsage();
  const m0 = machineSeconds();
  return () => {
    const wall = (performance.now() - t0) / 1000;
    const l = process.cpuUsage(l0);
    const r = (x: number): number => Math.round((x / wall) * 100) / 100;
    return {
      serverCores: r(procSeconds(serverPid) - s0),
      databaseCores: r(dbSeconds() - d0),
      loadGeneratorCores: r((l.user + l.system) / 1e6),
      machineCores: r(machineSeconds() - m0),
    };
  };
}
