/**
 * Throughput and memory check for the generator: streams N patients (default 2,000), serializing
 * each bundle as a seeder would, and prints resources per second and heap before and after.
 * Usage: node --import tsx packages/synth/bench.ts [patients]
 */
import { directoryBundle, patientBundles } from './src/index.ts';

const patients = Number(process.argv[2] ?? 2000);
const options = { seed: 'bench', patients };
globalThis.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const started = performance.now();
let resources = directoryBundle(options).entry?.length ?? 0;
let bytes = 0;
let peak = 0;
for (const bundle of patientBundles(options)) {
  resources += bundle.entry?.length ?? 0;
  bytes += JSON.stringify(bundle).length;
  peak = Math.max(peak, process.memoryUsage().heapUsed);
}
const seconds = (performance.now() - started) / 1000;
globalThis.gc?.();
const heapAfter = process.memoryUsage().heapUsed;
const mb = (n: number): string => `${(n / 1048576).toFixed(1)} MB`;
console.log(`${patients} patients, ${resources} resources, ${mb(bytes)} JSON in ${seconds.toFixed(2)} s`);
console.log(`${Math.round(resources / seconds)} resources/s, ${Math.round(patients / seconds)} patients/s`);
console.log(`heap before ${mb(heapBefore)}, peak ${mb(peak)}, after ${mb(heapAfter)}`);
