/**
 * The query plans behind a FHIR request: runs the request through the server's own router
 * in this process, on the benchmark database, with a database adapter that records every
 * statement (text, parameters, time, rows), then runs `EXPLAIN (ANALYZE, BUFFERS)` of each
 * recorded SELECT with the same parameters. So the plans are those of the SQL the server really
 * sends, whatever the search compiler becomes, not of a copy kept here. The server must have
 * stopped first when the backend is PGlite (one process per data folder).
 *
 * The server's modules are imported on first use only: the other suites never load them.
 */
import type { Backend, DirectDb } from './backends.ts';
import type { Database, Queryable, QueryResult } from '../packages/server/src/db/database.ts';

const TENANT = 'default';

export interface Statement {
  sql: string;
  params: unknown[];
  ms: number;
  rows: number;
  plan?: string[];
}

export interface ExplainedRequest {
  /** Path and query below the server root, e.g. `/fhir/Observation?patient=...`. */
  request: string;
  status: number;
  statements: Statement[];
  error?: string;
}

/**
 * A Database that records every statement run through it (transactions included). A proxy, so
 * that whatever else the port offers is passed through untouched.
 */
function recording(db: Database, log: Statement[]): Database {
  const timed = async <Row>(run: () => Promise<QueryResult<Row>>, sql: string, params: readonly unknown[] | undefined): Promise<QueryResult<Row>> => {
    const t0 = performance.now();
    const res = await run();
    log.push({ sql, params: [...(params ?? [])], ms: Math.round((performance.now() - t0) * 100) / 100, rows: res.rows.length });
    return res;
  };
  const wrap = (q: Queryable): Queryable => ({ query: (sql, params, opts) => timed(() => q.query(sql, params, opts), sql, params), exec: (sql) => q.exec(sql) });
  const query: Queryable['query'] = (sql, params, opts) => timed(() => db.query(sql, params, opts), sql, params);
  const transaction: Database['transaction'] = (fn) => db.transaction((tx) => fn(wrap(tx)));
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === 'query') return query;
      if (prop === 'transaction') return transaction;
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** Opens the benchmark database with the server's own adapter (what `start` would open). */
async function openServerDatabase(backend: Backend): Promise<Database> {
  const { openStoreDatabase } = await import('../packages/server/src/store/open-store.ts');
  const url = backend.serverEnv.DATABASE_URL;
  return openStoreDatabase({ dataDir: backend.serverEnv.CONTINUUM_DATA_DIR ?? ':memory:', poolSize: 2, ...(url ? { databaseUrl: url } : {}) });
}

/**
 * Runs each request (`/fhir/...?...`) once to warm up and once recorded, then EXPLAINs the
 * recorded statements. A failing request is reported with its error, not thrown.
 */
export async function explainRequests(backend: Backend, requests: readonly string[]): Promise<ExplainedRequest[]> {
  const [{ loadDefinitions, SearchParamRegistry }, { route }, { Repository }, { createIndexer }] = await Promise.all([
    import('@continuum/fhir'),
    import('../packages/server/src/api/router.ts'),
    import('../packages/server/src/store/repository.ts'),
    import('../packages/server/src/store/indexer.ts'),
  ]);
  loadDefinitions();
  const indexer = createIndexer(SearchParamRegistry.r4());
  const db = await openServerDatabase(backend);
  const out: ExplainedRequest[] = [];
  try {
    for (const request of requests) {
      const url = new URL(request, 'http://bench.invalid');
      const fr = { method: 'GET', path: url.pathname.replace(/^\/fhir/, ''), query: [...url.searchParams], headers: {} };
      const log: Statement[] = [];
      const call = async (d: Database): Promise<number> => (await route({ repo: new Repository({ db: d, indexer }, TENANT), baseUrl: 'http://bench.invalid/fhir' }, fr)).status;
      try {
        await call(db);
        const status = await call(recording(db, log));
        for (const s of log) {
          if (!/^\s*(SELECT|WITH)\b/i.test(s.sql)) continue;
          const rows = (await db.query<Record<string, string>>(`EXPLAIN (ANALYZE, BUFFERS) ${s.sql}`, s.params)).rows;
          s.plan = rows.map((r) => Object.values(r)[0] ?? '');
        }
        out.push({ request, status, statements: log });
      } catch (err) {
        out.push({ request, status: 0, statements: log, error: err instanceof Error ? err.message : String(err) });
      }
    }
  } finally {
    await db.close();
  }
  return out;
}

/** `EXPLAIN (ANALYZE, BUFFERS)` of one statement over a direct connection (ceiling queries). */
export async function explainSql(db: DirectDb, sql: string, params: unknown[]): Promise<string[]> {
  const rows = (await db.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params)) as Record<string, string>[];
  return rows.map((r) => Object.values(r)[0] ?? '');
}

const oneLine = (sql: string): string => sql.replace(/\s+/g, ' ').trim();

/** Parameters for the console: long arrays (a page's row ids) shortened; the JSON keeps them whole. */
const paramsText = (params: unknown[]): string =>
  JSON.stringify(params.map((p) => (Array.isArray(p) && p.length > 6 ? `[${p.slice(0, 3).join(', ')}, ... ${p.length} items]` : p)));

/** Console text for explained requests: each statement with its time, rows, parameters and plan. */
export function explainText(items: readonly ExplainedRequest[], indent = '    '): string {
  let text = '';
  for (const e of items) {
    text += `${indent}${e.request} -> ${e.status}${e.error ? ` (error: ${e.error})` : ''}\n`;
    e.statements.forEach((s, i) => {
      text += `${indent}  statement ${i + 1}: ${s.ms} ms, ${s.rows} rows: ${oneLine(s.sql)}\n${indent}  parameters: ${paramsText(s.params)}\n`;
      for (const line of s.plan ?? []) text += `${indent}    ${line}\n`;
    });
  }
  return text;
}

/** Console text for one plain plan. */
export function planText(title: string, plan: readonly string[], indent = '    '): string {
  return `${indent}${title}\n${plan.map((l) => `${indent}  ${l}`).join('\n')}\n`;
}
