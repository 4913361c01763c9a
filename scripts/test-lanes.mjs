// Runs test files `concurrency` at a time, in the order given, with the spec reporter (the
// `node --test` command line would sort them by name). Started by scripts/test.mjs, under tsx,
// which every test file's process inherits. Usage: test-lanes.mjs <concurrency> <files...>
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

const [concurrency, ...files] = process.argv.slice(2);
// A file (or group of files) still running after this long fails, and its process is killed:
// a test waiting forever, or a handle left open after the last test (Node 20 then never exits),
// would otherwise hold the whole run. The longest file takes about two minutes on a loaded machine.
const timeout = Number(process.env.CONTINUUM_TEST_FILE_TIMEOUT_SECONDS ?? 600) * 1000;
const tests = run({ files, concurrency: Number(concurrency), timeout });
tests.on('test:fail', () => {
  process.exitCode = 1;
});
tests.compose(spec).pipe(process.stdout);
