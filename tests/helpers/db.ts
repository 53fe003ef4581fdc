import postgres from 'postgres';
import { inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import { openPostgres } from '../../src/db/postgres.ts';
import { migrate } from '../../src/db/migrate.ts';
import type { Db } from '../../src/db/types.ts';

/**
 * The server integration tests use: in the `pg18` vitest project the embedded PostgreSQL 18 its global setup
 * started; else TEST_DATABASE_URL, else the local PostgreSQL (15 here) with trust auth.
 */
export const ADMIN_URL = inject('testDatabaseUrl') || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

/** A database of its own for one test file; `drop()` removes it (and fails if connections leak). */
export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** Creates an empty database `tasker_test_<random>` on the test server. */
export async function createTestDatabase(prefix = 'tasker_test'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const a = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
      let leaked: string[] = [];
      try {
        // a test file must close every pool and stop every process it started: wait briefly for the
        // server to notice closed sockets, then fail the file if connections are still open
        const deadline = Date.now() + 5000;
        for (;;) {
          const rows = await a.unsafe(
            `SELECT coalesce(nullif(application_name, ''), 'unnamed') AS app FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
            [name],
          );
          leaked = rows.map((r) => String(r.app));
          if (leaked.length === 0 || Date.now() > deadline) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await a.end();
      }
      if (leaked.length) throw new Error(`test database ${name} still had ${leaked.length} open connection(s) at drop: ${leaked.join(', ')} (a pool or process was not closed)`);
    },
  };
}

/** Opens and migrates a {@link Db} on a test database. */
export async function openTestDb(url: string, schema = 'tasker'): Promise<Db> {
  const db = await openPostgres({ url, schema, poolMax: 5, statementTimeoutMs: 0, connectTimeoutSeconds: 5 });
  await migrate(db);
  return db;
}

/** Waits until `check` returns a truthy value or the deadline passes (no fixed sleeps). */
export async function waitFor<T>(check: () => Promise<T> | T, { timeoutMs = 15_000, intervalMs = 20, what = 'condition' } = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
