// Running behind a transaction-pooling connection pooler (PgBouncer `pool_mode = transaction`): each
// transaction may land on another server connection, so nothing may live in the session. tasker then
// sends no session startup parameters (PgBouncer refuses unknown ones: "unsupported startup parameter"),
// uses unnamed statements only (named prepared statements would be missing on the next server
// connection), sets search_path and statement_timeout per transaction with set_config(…, true), and
// does without LISTEN (a notification would reach whichever client holds that server connection).
import type postgres from 'postgres';

/** The statement that scopes tasker's session settings to the current transaction. */
const SETTINGS_SQL = `SELECT set_config('search_path', $1, true), set_config('statement_timeout', $2, true)`;

/** True when the server (a pooler) refused a startup parameter tasker sent. */
export function isStartupParameterRejected(err: unknown): boolean {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  return code === '08P01' && /unsupported startup parameter/i.test(String(message));
}

/** True when the first entry of a `search_path` setting (as SHOW prints it) is `schema`. */
export function searchPathStartsWith(searchPath: string, schema: string): boolean {
  return searchPath.split(',')[0].trim().replace(/^"|"$/g, '') === schema;
}

/** The per-transaction settings of a pooled connection. */
export interface PooledSettings {
  searchPath: string;
  statementTimeoutMs: number;
}

/** Applies the settings inside the open transaction `conn`. */
export function applySettings(conn: postgres.TransactionSql, settings: PooledSettings): Promise<unknown> {
  return conn.unsafe(SETTINGS_SQL, [settings.searchPath, String(settings.statementTimeoutMs)], { prepare: false });
}
