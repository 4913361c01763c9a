/**
 * The database port: the only shape of SQL access the rest of the server sees.
 *
 * Two adapters implement it, PGlite (embedded, WASM) and PostgreSQL (pg.Pool), running the same
 * SQL. A `Queryable` runs one statement; `transaction` gives a Queryable whose statements commit
 * or roll back together. Nothing above this layer imports a driver.
 */

export interface QueryResult<Row> {
  rows: Row[];
  rowCount: number;
}

export interface QueryOptions {
  /**
   * Names a statement whose text never changes, so that PostgreSQL parses and plans it once per
   * connection instead of on every call. Adapters without prepared statements ignore it.
   */
  name?: string;
}

export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[], opts?: QueryOptions): Promise<QueryResult<Row>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export type Dialect = 'pglite' | 'postgres';

export interface Database extends Queryable {
  readonly dialect: Dialect;
  /** Runs `fn` in one transaction: commit on success, roll back on any throw. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Subscribes to NOTIFY on `channel` (on a connection of its own, for PostgreSQL). `onReset` is
   * called after that connection was lost and re-established, since notifications sent meanwhile
   * are gone. Returns the unsubscribe function.
   */
  listen(channel: string, onMessage: (payload: string) => void, onReset?: () => void): Promise<() => Promise<void>>;
  /**
   * The same database through connections of its own (PostgreSQL: a pool of `connections`,
   * default 1, apart from the one requests share; each call opens another, closed with this
   * database), for a writer whose commits many requests wait for, so that its statements never
   * queue behind requests waiting for a pooled connection. PGlite has one connection, so there it
   * is this database.
   */
  ownConnection(connections?: number): Database;
  close(): Promise<void>;
}
