import postgres from 'postgres';
import { randomBytes } from 'node:crypto';
import { openPostgres } from '../../src/db/postgres.ts';
import { migrate } from '../../src/db/migrate.ts';
import type { Db } from '../../src/db/types.ts';

/** The server integration tests use: TEST_DATABASE_URL, else the local PostgreSQL with trust auth. */
export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

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
      try {
        await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await a.end();
      }
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
