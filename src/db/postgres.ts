import { isConnectionLost } from './connection-errors.ts';
import postgres from 'postgres';
import { TaskerError } from '../errors.ts';
import { redactUrl } from '../config/redact.ts';
import { assertDatabaseUrl } from '../config/database-url.ts';
import type { Db, Queryable } from './types.ts';
import { prepareParams } from './params.ts';
import { quoteIdentifier } from './identifiers.ts';

/** Options for {@link openPostgres}. */
export interface PostgresOptions {
  url: string;
  schema: string;
  poolMax: number;
  statementTimeoutMs: number;
  connectTimeoutSeconds: number;
  /** Named prepared statements (default on). */
  prepare?: boolean;
  applicationName?: string;
}

function where(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}${u.pathname || ''}`;
  } catch {
    return 'the configured database';
  }
}

function jsonText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Connects to a PostgreSQL server with postgres.js and checks that it answers. */
export async function openPostgres(options: PostgresOptions): Promise<Db> {
  quoteIdentifier(options.schema, 'schema'); // validated before it reaches the search_path
  assertDatabaseUrl(options.url); // a malformed URL would otherwise be a TypeError from inside the driver
  const prepare = options.prepare ?? true;
  const sql = postgres(options.url, {
    max: options.poolMax,
    prepare,
    onnotice: () => {},
    // tasker always sends JSON as text cast to jsonb; postgres.js would otherwise JSON.stringify a
    // string parameter the server types as json/jsonb a second time and store a JSON string scalar.
    types: {
      tasker_jsonb: { to: 3802, from: [3802], serialize: jsonText, parse: (x: string) => JSON.parse(x) },
      tasker_json: { to: 114, from: [114], serialize: jsonText, parse: (x: string) => JSON.parse(x) },
    },
    connect_timeout: options.connectTimeoutSeconds,
    idle_timeout: 0,
    connection: {
      application_name: options.applicationName ?? 'tasker',
      search_path: `${options.schema},public`,
      // tasker's hot statements are large CTEs over `= ANY($n)` arrays: re-planning them for every call
      // (PostgreSQL's default custom plans) costs more than running them, and one plan fits all calls
      plan_cache_mode: 'force_generic_plan',
      ...(options.statementTimeoutMs > 0 ? { statement_timeout: options.statementTimeoutMs } : {}),
    } as postgres.Options<never>['connection'],
  });
  try {
    await sql`select 1`;
    // The first connection has fetched the array types into the pool's shared parsers. Without this, every
    // reconnect fetches them again from a ReadyForQuery handler that nobody awaits, and a connection killed
    // during that fetch becomes an unhandled rejection that ends the process (seen with pg_terminate_backend).
    // Caveat: with fetch_types off, postgres.js 3.4.9's sql.reserve() never resolves on a freshly opened
    // connection, so use transaction() (sql.begin), never reserve().
    (sql.options as { fetch_types: boolean }).fetch_types = false;
  } catch (cause) {
    await sql.end({ timeout: 0 }).catch(() => {});
    const { code, message } = cause as { code?: string; message?: string };
    // connection errors carry a Node code (ECONNREFUSED); server errors a SQLSTATE plus a message
    const reason = code && /^[0-9A-Z]{5}$/.test(code) ? `${code}: ${message}` : (code ?? message);
    throw new TaskerError('DB_UNREACHABLE', `cannot connect to PostgreSQL at ${where(options.url)} (${reason})`, {
      cause,
      hint: 'check DATABASE_URL / [common.database] url and that the server is running; unset DATABASE_URL to use the embedded database',
    });
  }

  const run = (conn: postgres.Sql | postgres.TransactionSql): Queryable => ({
    query: (text, params = []) =>
      conn.unsafe(text, prepareParams(params) as postgres.ParameterOrJSON<never>[], { prepare }) as unknown as Promise<never[]>,
    exec: async (script) => void (await conn.unsafe(script).simple()),
  });
  const base = run(sql);
  return {
    kind: 'postgres',
    schema: options.schema,
    description: redactUrl(options.url),
    supportsListen: true,
    query: base.query,
    exec: base.exec,
    transaction: (fn) => safeTransaction(sql, run, fn),
    async listen(channel, onNotify) {
      const sub = await sql.listen(channel, (payload) => onNotify(payload));
      return () => sub.unlisten();
    },
    close: () => sql.end({ timeout: 5 }),
  };
}

/**
 * `sql.begin`, made safe against the connection dying mid-transaction. When a statement fails, postgres.js
 * writes ROLLBACK to the transaction's connection; if that connection is already closed, postgres.js 3.4.9
 * calls `socket.write` on a null socket from a setImmediate — an uncatchable TypeError that ends the process
 * (porsager/postgres#1154, #1208). So when a statement fails because the connection is gone, the callback
 * does not return to postgres.js: it waits, `sql.begin` rejects as soon as the connection reports its close
 * (the server has rolled back), and the abandoned callback is left pending. Should the connection not close
 * within a few seconds after all, the error is rethrown and postgres.js rolls back as usual.
 */
function safeTransaction<T>(sql: postgres.Sql, run: (conn: postgres.TransactionSql) => Queryable, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  let settled = false;
  let abandon: (() => void) | null = null;
  const begun = sql.begin(async (conn) => {
    try {
      return await fn(run(conn));
    } catch (err) {
      if (isConnectionLost(err)) {
        // resolves only if the connection did not close after all; otherwise stays pending for good
        await new Promise<void>((resolve) => {
          if (settled) return;
          const timer = setTimeout(resolve, 5000);
          abandon = () => clearTimeout(timer);
        });
      }
      throw err;
    }
  }) as Promise<T>;
  return begun.finally(() => {
    settled = true;
    abandon?.();
  });
}
