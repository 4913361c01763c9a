/**
 * The demo clinic the browser tests start from, seeded once and copied for each test server.
 *
 * Seeding a demo clinic of a few patients through the server (generator, validation, indexing,
 * the portal's schedules and statements, the demo logins) costs about ten seconds of CPU, and the
 * browser tests start some thirty such servers. Each size is seeded once per test run instead:
 * by a real server start with the demo on, exactly as `npm start` seeds it, into a PGlite data
 * folder, which is then kept as a data-folder dump along with the server's data-encryption keys
 * (the demo administrator's TOTP secret is sealed under them). Each test server then starts from
 * its own in-memory copy of that dump, with those keys in its own data folder, and makes its own
 * signing and exchange keys as any new server does: tests still never share a database.
 *
 * Where: `CONTINUUM_TEST_RUN_DIR`, which scripts/test.mjs makes for each run and removes after it,
 * so a clinic is never reused across changes to the code that seeds it. A test file run on its
 * own (no such folder) seeds its clinics into a temporary folder of its own, removed when it
 * exits. Built in a folder of its own and renamed into place: a file starting at the same time
 * sees either no clinic or a whole one, and if two build the same size, the first rename wins.
 *
 * PGlite only: on PostgreSQL the test servers seed their demo as before.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { configFromEnv } from '../../../server/src/config.ts';
import { dataKeyFilePath } from '../../../server/src/secrets/data-keys.ts';
import { silentProgress } from '../../../server/src/seed/progress.ts';
import { startServer } from '../../../server/src/server.ts';
import { openStoreDatabase } from '../../../server/src/store/open-store.ts';
import { copyMigratedStore, dumpStore } from '../../../server/test/fixtures/pglite-template.ts';
import { TEST_CLIENT } from '../../../server/test/fixtures/server.ts';

export interface DemoClinic {
  /** A dump of the seeded database (PGlite's `dumpDataDir`), for `createTestDatabase`. */
  snapshot: Blob;
  /** The seeding server's data-encryption keys (a `secrets/data-keys` file). */
  dataKeys: string;
  /** The demo logins' user names. */
  usernames: string[];
  /** The demo administrator's TOTP secret. */
  adminTotpSecret: string | undefined;
}

const SNAPSHOT = 'snapshot.tar';
const LOGINS = 'logins.json';
const DATA_KEYS = 'data-keys';

/** Seeds a demo clinic of `patients` in `dir` (a new folder): the dump, the data keys and the logins. */
async function seed(dir: string, patients: number): Promise<void> {
  const dataDir = join(dir, 'data');
  // Starts from the migrated template, as every test database does.
  await copyMigratedStore(dataDir);
  const db = await openStoreDatabase({ dataDir });
  try {
    const config = configFromEnv({ PORT: '1', CONTINUUM_DATA_DIR: dataDir, CONTINUUM_BOOTSTRAP_CLIENT_ID: TEST_CLIENT.id, CONTINUUM_BOOTSTRAP_CLIENT_SECRET: TEST_CLIENT.secret });
    config.port = 0;
    config.host = '127.0.0.1';
    const running = await startServer(config, { db, log: () => undefined, demoPatients: patients, demoProgress: silentProgress, announce: () => undefined });
    const demo = await running.demo;
    await running.close();
    const usernames = demo?.accounts?.logins.map((l) => l.username) ?? [];
    assert.ok(usernames.includes('demo.physician'), 'the demo clinic and its logins are in');
    writeFileSync(join(dir, LOGINS), JSON.stringify({ usernames, adminTotpSecret: demo?.accounts?.adminTotpSecret }));
  } finally {
    await db.close();
  }
  await dumpStore(dataDir, join(dir, SNAPSHOT));
  renameSync(dataKeyFilePath(dataDir), join(dir, DATA_KEYS));
  rmSync(dataDir, { recursive: true, force: true });
}

function load(dir: string): DemoClinic {
  const logins = JSON.parse(readFileSync(join(dir, LOGINS), 'utf8')) as { usernames: string[]; adminTotpSecret?: string };
  return { snapshot: new Blob([readFileSync(join(dir, SNAPSHOT))]), dataKeys: join(dir, DATA_KEYS), usernames: logins.usernames, adminTotpSecret: logins.adminTotpSecret };
}

const clinics = new Map<number, Promise<DemoClinic>>();

/** The demo clinic of `patients` synthetic patients, seeded on first use (see the top of this file). */
export function demoClinic(patients: number): Promise<DemoClinic> {
  let clinic = clinics.get(patients);
  if (!clinic) {
    clinic = (async () => {
      const runDir = process.env.CONTINUUM_TEST_RUN_DIR;
      let home = runDir && existsSync(runDir) ? runDir : undefined;
      if (!home) {
        const own = mkdtempSync(join(tmpdir(), 'continuum-demo-clinics-'));
        process.once('exit', () => rmSync(own, { recursive: true, force: true }));
        home = own;
      }
      const dir = join(home, `demo-${patients}`);
      if (existsSync(join(dir, SNAPSHOT))) return load(dir);
      const work = mkdtempSync(`${dir}-building-`);
      try {
        await seed(work, patients);
        renameSync(work, dir);
      } catch (err) {
        rmSync(work, { recursive: true, force: true });
        if (!existsSync(join(dir, SNAPSHOT))) throw err;
      }
      return load(dir);
    })();
    clinics.set(patients, clinic);
  }
  return clinic;
}

/** Gives a test server's data folder the seeding server's data-encryption keys. */
export function copyClinicData(clinic: DemoClinic, dataDir: string): void {
  mkdirSync(dirname(dataKeyFilePath(dataDir)), { recursive: true, mode: 0o700 });
  copyFileSync(clinic.dataKeys, dataKeyFilePath(dataDir));
}
