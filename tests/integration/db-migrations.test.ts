import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { openPostgres } from '../../src/db/postgres.ts';
import { openEmbedded } from '../../src/db/embedded.ts';
import { migrate, migrationStatus, assertCompatible } from '../../src/db/migrate.ts';
import { migrations } from '../../src/db/migrations.generated.ts';
import { renderMigrationsModule } from '../../scripts/build-sql-module.ts';
import { getRuntime } from '../../src/runtime/index.ts';
import type { Db } from '../../src/db/types.ts';
import { TaskerError } from '../../src/errors.ts';

let tdb: TestDatabase;
const open: Db[] = [];
const connect = async (schema: string) => {
  const db = await openPostgres({ url: tdb.url, schema, poolMax: 4, statementTimeoutMs: 0, connectTimeoutSeconds: 5 });
  open.push(db);
  return db;
};

beforeAll(async () => {
  tdb = await createTestDatabase('tasker_migrations');
});
afterAll(async () => {
  for (const db of open) await db.close();
  await tdb.drop();
});

describe('migrations on PostgreSQL', () => {
  it('runs on the server of its vitest project: the embedded PostgreSQL 18 in pg18, the test server elsewhere', async () => {
    const db = await connect('public');
    const [{ v }] = await db.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`);
    if (inject('testDatabaseUrl')) expect(Number(v)).toBeGreaterThanOrEqual(180000);
    else expect(Number(v)).toBeGreaterThanOrEqual(150000);
  });

  const latest = migrations[migrations.length - 1].version;

  it('keeps the generated module in step with the .sql files', () => {
    expect(renderMigrationsModule()).toContain(migrations[migrations.length - 1].checksum);
    // strictly increasing; gaps are allowed (parallel branches take their own number ranges)
    const versions = migrations.map((m) => m.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
  });

  it('applies everything once even when four processes migrate at the same moment', async () => {
    const dbs = await Promise.all([1, 2, 3, 4].map(() => connect('race')));
    const results = await Promise.all(dbs.map((db) => migrate(db)));
    const applied = results.flat();
    expect(applied.sort((a, b) => a - b)).toEqual(migrations.map((m) => m.version));
    const status = await migrationStatus(dbs[0]);
    expect(status.current).toBe(latest);
    expect(status.pending).toEqual([]);
    const tables = await dbs[0].query<{ n: number }>(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'race'`);
    expect(tables[0].n).toBeGreaterThanOrEqual(12);
  });

  it('reports pending migrations before they run', async () => {
    const db = await connect('fresh_status');
    const status = await migrationStatus(db);
    expect(status.current).toBe(0);
    expect(status.pending.map((p) => p.version)).toEqual(migrations.map((m) => m.version));
  });

  it('refuses a database migrated by a newer tasker', async () => {
    const db = await connect('from_future');
    await migrate(db);
    await db.query(`INSERT INTO from_future.tasker_migrations (version, name, checksum) VALUES ($1, 'from_the_future', 'x')`, [latest + 1]);
    for (const attempt of [() => migrate(db), () => assertCompatible(db)]) {
      const err = await attempt().then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(TaskerError);
      expect((err as TaskerError).code).toBe('MIGRATION_NEWER');
      expect((err as TaskerError).message).toContain(`is at migration ${latest + 1}, newer than this tasker knows (${latest})`);
    }
  });

  it('refuses to run when an applied migration was edited (checksums are verified, not only stored)', async () => {
    const db = await connect('edited');
    await migrate(db);
    const edited = migrations.map((m, i) => (i === 0 ? { ...m, sql: `${m.sql}\n-- edited`, checksum: 'not-the-applied-checksum' } : m));
    for (const attempt of [() => migrate(db, edited), () => assertCompatible(db, edited)]) {
      const err = await attempt().then(() => null, (e: unknown) => e);
      expect((err as TaskerError).code).toBe('MIGRATION_MODIFIED');
      expect((err as TaskerError).message).toContain(`migration 1 (${migrations[0].name})`);
    }
    // the released migrations still pass
    expect(await migrate(db)).toEqual([]);
  });

  it('rejects an invalid schema name before building any SQL', async () => {
    const err = await openPostgres({ url: tdb.url, schema: 'bad"; drop table x; --', poolMax: 1, statementTimeoutMs: 0, connectTimeoutSeconds: 5 })
      .then(async (db) => {
        open.push(db);
        return migrate(db);
      })
      .then(() => null, (e: unknown) => e);
    expect((err as TaskerError).code).toBe('IDENTIFIER_INVALID');
  });
});

describe('migrations on the embedded database', () => {
  it('a throwaway embedded PostgreSQL starts migrated (from its template) in the default schema; another schema migrates, idempotently', async () => {
    const fresh = await openEmbedded({ runtime: await getRuntime(), path: 'memory', schema: 'tasker' });
    try {
      expect(await migrate(fresh)).toEqual([]);
      expect((await fresh.query<{ server_version: string }>(`SHOW server_version`))[0].server_version).toMatch(/^18\./);
    } finally {
      await fresh.close();
    }
    const db = await openEmbedded({ runtime: await getRuntime(), path: 'memory', schema: 'tasker_other' });
    try {
      expect(await migrate(db)).toEqual(migrations.map((m) => m.version));
      expect(await migrate(db)).toEqual([]);
      const [{ u }] = await db.query<{ u: string }>(`SELECT uuid_v7()::text AS u`);
      expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    } finally {
      await db.close();
    }
  });
});
