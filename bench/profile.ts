/**
 * `node --import tsx bench/profile.ts <file.cpuprofile> [top]`: summarises a V8 CPU profile
 * written by `npm run bench -- <suite> --profile` (the server child runs with --cpu-prof). It
 * prints self time by function and by source area (our packages, each dependency, node
 * internals, GC, idle), plus the inclusive time of a few functions of interest. It reads the
 * profile only; it does not run anything.
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

function area(url: string, fn: string): string {
  if (fn === '(garbage collector)' || fn === '(idle)' || fn === '(program)') return fn;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  const ours = /packages\/([^/]+)\/src\/([^/]+)/.exec(url);
  if (ours) return `@continuum/${ours[1]}/${ours[2]}`;
  if (url.startsWith('node:') || url === '') return `node internals${fn ? '' : ''}`;
  return url;
}

function main(): void {
  const [file, topArg] = process.argv.slice(2);
  if (!file) throw new Error('usage: bench/profile.ts <file.cpuprofile> [top]');
  const top = Number(topArg ?? 25);
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const total = [...self.values()].reduce((a, b) => a + b, 0);

  const inclusive = new Map<number, number>();
  const walk = (id: number): number => {
    const n = byId.get(id)!;
    const t = (self.get(id) ?? 0) + (n.children ?? []).reduce((s, c) => s + walk(c), 0);
    inclusive.set(id, t);
    return t;
  };
  walk(p.nodes[0]!.id);

  const fnSelf = new Map<string, number>();
  const areaSelf = new Map<string, number>();
  for (const n of p.nodes) {
    const t = self.get(n.id) ?? 0;
    const { functionName, url, lineNumber } = n.callFrame;
    const short = url.replace(/^.*\/(node_modules|packages)\//, '');
    const key = `${functionName || '(anonymous)'}  ${short}:${lineNumber + 1}`;
    fnSelf.set(key, (fnSelf.get(key) ?? 0) + t);
    const a = area(url, functionName);
    areaSelf.set(a, (areaSelf.get(a) ?? 0) + t);
  }
  const pct = (t: number): string => `${((100 * t) / total).toFixed(1).padStart(5)}%`;
  const print = (title: string, m: Map<string, number>): void => {
    process.stdout.write(`\n${title}\n`);
    for (const [k, t] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`  ${pct(t)}  ${k}\n`);
  };
  process.stdout.write(`${file}: ${(total / 1e6).toFixed(1)} s sampled\n`);
  print('Self time by area', areaSelf);
  print('Self time by function', fnSelf);

  // Inclusive time of named functions (summed over every call site, outermost frames only).
  const names = (process.env.PROFILE_FUNCTIONS ?? 'validateResource,extractIndexRows,patientCompartment,writeVersions,prepareWrite,stringify,parse,route,processBundle,query').split(',');
  const incl = new Map<string, number>();
  const visit = (id: number, open: Set<string>): void => {
    const n = byId.get(id)!;
    const name = n.callFrame.functionName;
    const counted = names.includes(name) && !open.has(name);
    if (counted) incl.set(name, (incl.get(name) ?? 0) + inclusive.get(id)!);
    const next = counted ? new Set([...open, name]) : open;
    for (const c of n.children ?? []) visit(c, next);
  };
  visit(p.nodes[0]!.id, new Set());
  print('Inclusive time of selected functions', incl);
}

main();
