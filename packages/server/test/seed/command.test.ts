/**
 * Seed suite, the command line: `continuum seed` reads its options strictly, and bad ones end
 * the process with exit code 2 and a message that says what was wrong, before any database is
 * opened.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseSeedArgs, UsageError } from '../../src/seed/command.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

it('parses --patients, --seed and --tenant', () => {
  assert.deepEqual(parseSeedArgs(['--patients', '50']), { patients: 50, seed: 'continuum' });
  assert.deepEqual(parseSeedArgs(['--seed', 'abc', '--patients', '3', '--tenant', 'clinic-1']), { patients: 3, seed: 'abc', tenant: 'clinic-1' });
});

it('rejects missing, malformed and unknown options', () => {
  for (const args of [[], ['--patients'], ['--patients', '0'], ['--patients', '-3'], ['--patients', '2.5'], ['--patients', 'ten'], ['--patients', '5', '--seed'], ['--patients', '5', '--color', 'red'], ['--patients', '5', '--tenant', 'a b']]) {
    assert.throws(() => parseSeedArgs(args), UsageError, JSON.stringify(args));
  }
});

it('exits with code 2 and says why on bad arguments', () => {
  const res = spawnSync(process.execPath, ['packages/server/bin/continuum.js', 'seed', '--patients', 'lots'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CONTINUUM_DATA_DIR: '/nonexistent/never-opened' },
  });
  assert.equal(res.status, 2, res.stderr);
  assert.match(res.stderr, /--patients must be a whole number/);
  assert.match(res.stderr, /Usage: continuum seed --patients N/);
});
