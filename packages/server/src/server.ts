/**
 * Starts a Continuum node: opens the database (running migrations, failing loudly), loads the
 * FHIR definitions, builds the HTTP app and listens. Returns handles so that tests and the CLI
 * can stop it cleanly.
 *
 * When `config.demo` is on and the store is empty, the demo clinic is seeded in the background
 * after the server is listening (so /healthz answers at once and FHIR requests are served while
 * it fills); `demo` resolves when it is done. Closing the server stops the seeding between two
 * batches, and the next start resumes it.
 */
import { buildCompanions } from './companions.ts';
import { seedCatalogue } from './orders/seed-catalogue.ts';
import { seedPortal } from './portal/seed.ts';
import type { FastifyInstance } from 'fastify';
import { loadDefinitions } from '@continuum/fhir';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import { openStoreDatabase } from './store/open-store.ts';
import { StatisticsKeeper } from './db/statistics.ts';
import { buildApp } from './http/app.ts';
import { SearchParamProvider } from './search-params/provider.ts';
import { ReindexRunner } from './search-params/reindex-runner.ts';
import { reindexService } from './search-params/reindex-service.ts';
import { demoBanner, seedDemo, type DemoResult, type DemoSource } from './seed/demo.ts';
import { progressReporter, type SeedProgress } from './seed/progress.ts';
import { AuditTrail } from './audit/audit-trail.ts';
import { ensureDemoAccounts } from './seed/demo-accounts.ts';
import { setupAuth, type Auth } from './auth/setup.ts';
import { Repository } from './store/repository.ts';
import type { Patient } from '@medplum/fhirtypes';
import { proxyPatients } from './auth/proxy-patients.ts';
import type { Principal } from './access/policy.ts';
import { parseScopes } from './access/scopes.ts';
import { searchLimit } from './api/search-limit.ts';
import { startErxSending } from './erx/start.ts';
import { buildExchangeServices } from './exchange/services.ts';
import { startExchange } from './exchange/start.ts';

export interface RunningServer {
  app: FastifyInstance;
  /** The authorization server and audit trail; absent when CONTINUUM_AUTH=off. */
  auth?: Auth;
  db: Database;
  url: string;
  /** The demo clinic seeding: undefined when nothing was seeded (off, not needed, or failed). */
  demo: Promise<DemoResult | undefined>;
  close(): Promise<void>;
}

export interface StartOptions {
  db?: Database;
  log?: (line: string) => void;
  /** The demo's population (default: `@continuum/synth`, loaded only when the demo runs). */
  demoPopulation?: DemoSource;
  demoPatients?: number;
  /** Progress of the demo seeding (default: a progress bar or lines on stderr). */
  demoProgress?: SeedProgress;
  /** Where the demo's start and summary banner go (default: stdout). */
  announce?: (text: string) => void;
  /** The built web app served at `/` (default packages/web/dist). */
  webRoot?: string;
}

export async function startServer(config: Config, opts: StartOptions = {}): Promise<RunningServer> {
  const db = opts.db ?? (await openStoreDatabase({ dataDir: config.dataDir, poolSize: config.poolSize, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}) }));
  // What start-up has opened, in order. `close()` closes it in reverse, and so does a failed
  // start: it leaves no listener, loop or connection behind (a process that retries, or a test,
  // carries on cleanly).
  const opened: (() => Promise<unknown>)[] = [];
  if (!opts.db) opened.push(() => db.close());
  try {
    return await start(config, opts, db, opened);
  } catch (err) {
    for (const close of opened.reverse()) await close().catch(() => undefined);
    throw err;
  }
}

async function start(config: Config, opts: StartOptions, db: Database, opened: (() => Promise<unknown>)[]): Promise<RunningServer> {
  loadDefinitions();
  const searchParams = new SearchParamProvider(db, opts.log ? { log: opts.log } : {});
  opened.push(() => searchParams.close());
  await searchParams.start();
  const indexer = await searchParams.indexerFor(config.defaultTenant);
  const statistics = new StatisticsKeeper(db, opts.log);
  opened.push(() => statistics.settled());
  void statistics.analyze({ missingOnly: true });
  const runner = config.jobs ? new ReindexRunner({ db, searchParams, statistics, ...(opts.log ? { log: opts.log } : {}) }) : undefined;
  runner?.start();
  if (runner) opened.push(() => runner.close());
  // Appends on a connection of their own: every audited request waits for its entry's commit,
  // which must not queue behind requests waiting for the pool (docs/security.md, "Measured cost").
  const audit = new AuditTrail(db, { lanes: config.auditLanes, writer: db.ownConnection(config.auditLanes) });
  opened.push(() => audit.flush());
  const repoFor = async (tenant: string): Promise<Repository> => new Repository({ db, indexer: await searchParams.indexerFor(tenant) }, tenant);
  const auth: Auth | undefined = config.auth
    ? await setupAuth({
        db,
        config,
        audit,
        ...(opts.log ? { log: opts.log } : {}),
        // A proxy (RelatedPerson) acts for its RelatedPerson's patient, and those of the
        // RelatedPersons a Person links it with (a parent of several children).
        proxyPatients: async (tenant, id) => proxyPatients(await repoFor(tenant), id),
        findPatients: async (account, text) => {
          // The user's own view through the API: no patient whose record they may not read is listed.
          const viewer: Principal = {
            kind: 'staff', tenant: account.tenantId, clientId: 'continuum-consent', userId: account.id, username: account.username,
            fhirUser: account.fhirUser, roles: account.roles, scopes: parseScopes('user/Patient.rs').rules,
            securityRights: account.securityRights, breakGlass: [],
          };
          const all = await repoFor(account.tenantId);
          const repo = all.limitedTo(searchLimit(viewer, all.indexer.registry));
          const criteria = /^[A-Za-z0-9.-]{1,64}$/.test(text.trim()) && /\d/.test(text) ? `_id=${encodeURIComponent(text.trim())}` : text.trim() ? `name=${encodeURIComponent(text.trim())}` : 'name:missing=false';
          const page = await repo.search(repo.parseCriteria('Patient', `${criteria}&_sort=family,given`), { count: 25 });
          return page.matches.map((m) => {
            const p = JSON.parse(m.content) as Patient;
            const n = p.name?.[0];
            const name = n ? `${(n.given ?? []).join(' ')} ${n.family ?? ''}`.trim() : p.id!;
            return { id: p.id!, display: `${name}${p.birthDate ? ` (born ${p.birthDate})` : ''}` };
          });
        },
      })
    : undefined;
  if (auth) opened.push(() => auth.close());
  const warn = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
  if (!config.auth) warn('WARNING: CONTINUUM_AUTH=off: the FHIR API is open to anyone and nothing is audited. Use this only to measure.');
  if (config.auth && config.baseUrl?.startsWith('https://') && !config.tls && !config.trustProxy) {
    // Sign-in cookies are Secure, and without the proxy's word a plain-HTTP socket is not HTTPS.
    warn('WARNING: CONTINUUM_BASE_URL is https but this server speaks plain HTTP and CONTINUUM_TRUST_PROXY is off: behind a TLS-terminating proxy set CONTINUUM_TRUST_PROXY=1, or serve HTTPS with CONTINUUM_TLS_CERT/KEY; sign-in will fail until then.');
  }
  // The order catalogue (order sets, panels, the demo lab), seeded idempotently. With the demo on,
  // only once the demo has decided whether the store is empty (the catalogue would make it not).
  const seedOrders = async (): Promise<void> => {
    await seedCatalogue(await repoFor(config.defaultTenant), { demoLab: config.demo }).catch((err: unknown) => warn(`order catalogue: seeding failed: ${err instanceof Error ? err.message : String(err)}`));
  };
  // The patient portal's own data (intake forms; with the demo, schedules, slots and statements).
  const seedPortalData = async (): Promise<void> => {
    await seedPortal(await repoFor(config.defaultTenant), { demo: config.demo }).catch((err: unknown) => warn(`patient portal: seeding failed: ${err instanceof Error ? err.message : String(err)}`));
  };
  let ordersSeeded: Promise<void> | undefined = config.demo ? undefined : seedOrders();
  await ordersSeeded;
  if (!config.demo) await seedPortalData();
  const exchange = auth ? await buildExchangeServices(config, db, audit) : undefined;
  const app = buildApp({ ...(exchange ? { exchange } : {}), db, indexers: searchParams, reindex: reindexService(db, runner), config, writes: statistics, companions: buildCompanions(config), ...(opts.log ? { log: opts.log } : {}), ...(auth ? { auth } : {}), ...(opts.webRoot ? { webRoot: opts.webRoot } : {}) });
  opened.push(() => app.close());
  const address = await app.listen({ port: config.port, host: config.host });
  const erx = startErxSending(config, { db, repoFor, ...(opts.log ? { log: opts.log } : {}) });
  if (erx) opened.push(() => erx.close());
  const exchangeLoops = exchange && config.jobs ? startExchange(config, { db, repoFor, exchange, ...(opts.log ? { log: opts.log } : {}) }) : undefined;
  if (exchangeLoops) opened.push(() => exchangeLoops.close());
  const url = address.replace('0.0.0.0', '127.0.0.1').replace('[::]', '127.0.0.1');
  const stopDemo = new AbortController();
  const log = opts.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const announce = opts.announce ?? ((text: string) => process.stdout.write(text));
  const demo = !config.demo
    ? Promise.resolve(undefined)
    : (async () => {
        const population = opts.demoPopulation ?? (await import('./seed/population.ts')).syntheticPopulation;
        // A bulk load: planner statistics are refreshed once at the end, not every time the
        // write count doubles (eight ANALYZEs of growing tables would hold PGlite's connection).
        return seedDemo(
          { db, indexer, population },
          {
            tenant: config.defaultTenant,
            signal: stopDemo.signal,
            progress: opts.demoProgress ?? progressReporter(process.stderr, { summary: false }),
            onStart: (n) => {
              ordersSeeded = seedOrders();
              announce(`Seeding the demo clinic (${n} synthetic patients) in the background; the server is already answering.\n`);
            },
            ...(opts.demoPatients ? { patients: opts.demoPatients } : {}),
          },
        );
      })().then(async (result) => {
        await (ordersSeeded ??= seedOrders());
        // The portal's demo data searches every patient's visits: with the statistics of the
        // empty store the planner's plans take 0.2 s a search (45 s for 200 patients), with
        // fresh ones 15 ms.
        if (result) await statistics.analyze();
        await seedPortalData();
        if (result) {
          if (auth) result.accounts = await ensureDemoAccounts(await repoFor(config.defaultTenant), result.staff, auth.secrets);
          announce(demoBanner(result));
        }
        return result;
      }).catch(async (err: unknown) => {
        log(`demo clinic: seeding failed: ${err instanceof Error ? err.message : String(err)}`);
        await (ordersSeeded ??= seedOrders());
        await seedPortalData();
        return undefined;
      });
  return {
    app,
    db,
    url,
    demo,
    ...(auth ? { auth } : {}),
    async close() {
      stopDemo.abort();
      await demo;
      for (const close of [...opened].reverse()) await close();
    },
  };
}
