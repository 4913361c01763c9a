// Runs test files `concurrency` at a time, in the order given, with the spec reporter (the
// `node --test` command line would sort them by name). Started by scripts/test.mjs, under tsx,
// which every test file's process inherits. Usage: test-lanes.mjs <concurrency> <files...>
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

const [concurrency, ...files] = process.argv.slice(2);
const tests = run({ files, concurrency: Number(concurrency) });
tests.on('test:fail', () => {
  process.exitCode = 1;
});
tests.compose(spec).pipe(process.stdout);
