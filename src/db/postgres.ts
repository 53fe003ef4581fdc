import postgres from 'postgres';
import { TaskerError } from '../errors.ts';
import { redactUrl } from '../config/redact.ts';
import { assertDatabaseUrl } from '../config/database-url.ts';
import type { Db, Queryable } from './types.ts';
import { prepareParams } from './params.ts';
import { quoteIdentifier } from './identifiers.ts';
import { attemptTimeoutSeconds, reconnectBackoffSeconds } from './reconnect.ts';
import { safeTransaction } from './safe-transaction.ts';
import { applySettings, isStartupParameterRejected, searchPathStartsWith, type PooledSettings } from './pooler.ts';

/** Options for {@link openPostgres}. */
export interface PostgresOptions {
  url: string;
  schema: string;
  poolMax: number;
  statementTimeoutMs: number;
  /** How long the first connection may take; later attempts get a shorter timeout (src/db/reconnect.ts). */
  connectTimeoutSeconds: number;
  /** Named prepared statements (default on; always off behind a transaction pooler). */
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

function unreachable(url: string, cause: unknown): TaskerError {
  const { code, message } = cause as { code?: string; message?: string };
  // connection errors carry a Node code (ECONNREFUSED); server errors a SQLSTATE plus a message
  const reason = code && /^[0-9A-Z]{5}$/.test(code) ? `${code}: ${message}` : (code ?? message);
  return new TaskerError('DB_UNREACHABLE', `cannot connect to PostgreSQL at ${where(url)} (${reason})`, {
    cause,
    hint: 'check DATABASE_URL / [common.database] url and that the server is running; unset DATABASE_URL to use the embedded database',
  });
}

type SessionParameters = Record<string, string | number>;

/**
 * The first contact, on a connection of its own with the full `connectTimeoutSeconds`: how long a handshake
 * takes here (which sets the timeout of every later attempt), and whether a transaction pooler sits in
 * between — it refuses the session parameters, or (configured to ignore them) accepts them without effect.
 */
async function firstContact(options: PostgresOptions, session: SessionParameters): Promise<{ handshakeMs: number; pooled: boolean }> {
  const attempt = async (connection: SessionParameters) => {
    const probe = postgres(options.url, {
      max: 1, prepare: false, fetch_types: false, onnotice: () => {}, connect_timeout: options.connectTimeoutSeconds,
      connection: connection as postgres.Options<never>['connection'],
    });
    const started = performance.now();
    try {
      const [row] = await probe.unsafe<Array<{ search_path: string }>>(`SELECT current_setting('search_path') AS search_path`, [], { prepare: false });
      return { handshakeMs: performance.now() - started, searchPath: row.search_path };
    } finally {
      await probe.end({ timeout: 0 }).catch(() => {});
    }
  };
  try {
    const { handshakeMs, searchPath } = await attempt(session);
    return { handshakeMs, pooled: !searchPathStartsWith(searchPath, options.schema) };
  } catch (err) {
    if (!isStartupParameterRejected(err)) throw unreachable(options.url, err);
  }
  try {
    const { handshakeMs } = await attempt({ application_name: session.application_name });
    return { handshakeMs, pooled: true };
  } catch (err) {
    throw unreachable(options.url, err);
  }
}

/**
 * Connects to a PostgreSQL server with postgres.js and checks that it answers. Directly connected, the
 * session carries search_path, plan_cache_mode and statement_timeout; behind a transaction pooler
 * (detected on first contact, see src/db/pooler.ts) they are set per transaction and LISTEN is off.
 */
export async function openPostgres(options: PostgresOptions): Promise<Db> {
  quoteIdentifier(options.schema, 'schema'); // validated before it reaches the search_path
  assertDatabaseUrl(options.url); // a malformed URL would otherwise be a TypeError from inside the driver
  const session: SessionParameters = {
    application_name: options.applicationName ?? 'tasker',
    search_path: `${options.schema},public`,
    // tasker's hot statements are large CTEs over `= ANY($n)` arrays: re-planning them for every call
    // (PostgreSQL's default custom plans) costs more than running them, and one plan fits all calls
    plan_cache_mode: 'force_generic_plan',
    ...(options.statementTimeoutMs > 0 ? { statement_timeout: options.statementTimeoutMs } : {}),
  };
  const { handshakeMs, pooled } = await firstContact(options, session);
  const prepare = !pooled && (options.prepare ?? true);
  const settings: PooledSettings = { searchPath: session.search_path as string, statementTimeoutMs: options.statementTimeoutMs };
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
    // reconnects after an outage: a short, jittered wait between attempts (postgres.js' default grows to
    // 10–20 s with the pool's failure count) and a per-attempt timeout scaled to the first handshake
    connect_timeout: attemptTimeoutSeconds(options.connectTimeoutSeconds, handshakeMs),
    backoff: (retries: number) => reconnectBackoffSeconds(retries),
    idle_timeout: 0,
    connection: (pooled ? { application_name: session.application_name } : session) as postgres.Options<never>['connection'],
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
    throw unreachable(options.url, cause);
  }

  const run = (conn: postgres.Sql | postgres.TransactionSql): Queryable => ({
    query: (text, params = []) =>
      conn.unsafe(text, prepareParams(params) as postgres.ParameterOrJSON<never>[], { prepare }) as unknown as Promise<never[]>,
    exec: async (script) => void (await conn.unsafe(script).simple()),
  });
  const base = run(sql);
  const kind = 'postgres' as const;
  const direct: Pick<Db, 'query' | 'exec' | 'transaction'> = {
    query: base.query,
    exec: base.exec,
    transaction: (fn) => safeTransaction(sql, run, fn),
  };
  // Behind a pooler every statement runs in a transaction that first applies the session settings. The
  // settings statement is sent at once and the first statement is pipelined behind it on the same
  // connection (so it is parsed with the settings in effect); a statement costs BEGIN and COMMIT on top.
  const withSettings = (conn: postgres.TransactionSql): Queryable => {
    const ready = applySettings(conn, settings);
    ready.catch(() => {}); // its failure reaches the caller through the statements that wait for it
    const q = run(conn);
    const after = <T>(p: Promise<T>): Promise<T> => Promise.all([ready, p]).then(([, value]) => value);
    return { query: (text, params) => after(q.query(text, params)), exec: (script) => after(q.exec(script)) };
  };
  const viaPooler: Pick<Db, 'query' | 'exec' | 'transaction'> = {
    query: (text, params) => safeTransaction(sql, withSettings, (tx) => tx.query(text, params)),
    exec: (script) => safeTransaction(sql, withSettings, (tx) => tx.exec(script)),
    transaction: (fn) => safeTransaction(sql, withSettings, fn),
  };
  return {
    kind,
    schema: options.schema,
    description: redactUrl(options.url) + (pooled ? ' (through a transaction pooler)' : ''),
    supportsListen: !pooled,
    pooled,
    ...(pooled ? viaPooler : direct),
    async listen(channel, onNotify, onListen) {
      if (pooled) return null;
      // postgres.js re-LISTENs on a new connection after a loss and calls onlisten again each time
      const sub = await sql.listen(channel, (payload) => onNotify(payload), () => onListen?.());
      return () => sub.unlisten();
    },
    close: () => sql.end({ timeout: 5 }),
  };
}
