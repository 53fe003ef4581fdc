import { TaskerError } from '../errors.ts';
import { quoteIdentifier } from './identifiers.ts';
import { migrations as bundled, type Migration } from './migrations.generated.ts';
import type { Db, Queryable } from './types.ts';

/** What `tasker db status` reports. */
export interface MigrationStatus {
  schema: string;
  current: number;
  latest: number;
  applied: Array<{ version: number; name: string; checksum?: string; applied_at: Date }>;
  pending: Array<{ version: number; name: string }>;
}

async function ensureTable(tx: Queryable, schema: string): Promise<void> {
  const q = quoteIdentifier(schema, 'schema');
  await tx.exec(`CREATE SCHEMA IF NOT EXISTS ${q};
    SET LOCAL search_path TO ${q}, public;
    CREATE TABLE IF NOT EXISTS ${q}.tasker_migrations (
      version int PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    );`);
}

async function appliedVersions(tx: Queryable, schema: string): Promise<MigrationStatus['applied']> {
  const exists = await tx.query<{ ok: boolean }>(
    `SELECT to_regclass($1) IS NOT NULL AS ok`,
    [`${quoteIdentifier(schema, 'schema')}.tasker_migrations`],
  );
  if (!exists[0]?.ok) return [];
  return tx.query(`SELECT version, name, checksum, applied_at FROM ${quoteIdentifier(schema)}.tasker_migrations ORDER BY version`);
}

/**
 * MIGRATION_MODIFIED when a migration this database already applied has different SQL in this tasker (an
 * edited migration file would otherwise go unnoticed, and the schema silently differ from the code's).
 */
function assertUnmodified(db: Db, applied: ReadonlyArray<{ version: number; name: string; checksum?: string }>, migrations: readonly Migration[]): void {
  const byVersion = new Map(migrations.map((m) => [m.version, m]));
  for (const a of applied) {
    const m = byVersion.get(a.version);
    if (!m || a.checksum === undefined || a.checksum === m.checksum) continue;
    throw new TaskerError(
      'MIGRATION_MODIFIED',
      `migration ${a.version} (${a.name}) of ${db.description} (schema ${db.schema}) was applied with checksum ${a.checksum}, but this tasker's ${m.name} has ${m.checksum}: an applied migration was edited`,
      { hint: 'restore the migration as released and put the change in a new numbered migration', details: { version: a.version, applied: a.checksum, bundled: m.checksum } },
    );
  }
}

function newerError(db: Db, current: number, latest: number): TaskerError {
  return new TaskerError(
    'MIGRATION_NEWER',
    `the database (${db.description}, schema ${db.schema}) is at migration ${current}, newer than this tasker knows (${latest})`,
    { hint: 'upgrade tasker on this machine, or point it at another database/schema', details: { current, latest } },
  );
}

/** Reports which migrations are applied and which are pending. */
export async function migrationStatus(db: Db, migrations: readonly Migration[] = bundled): Promise<MigrationStatus> {
  const applied = await appliedVersions(db, db.schema);
  const done = new Set(applied.map((a) => a.version));
  const current = applied.reduce((max, a) => Math.max(max, a.version), 0);
  return {
    schema: db.schema,
    current,
    latest: migrations.length ? migrations[migrations.length - 1].version : 0,
    applied,
    pending: migrations.filter((m) => !done.has(m.version)).map(({ version, name }) => ({ version, name })),
  };
}

/**
 * Applies pending migrations in one transaction under an advisory lock, so concurrent processes
 * are safe (the second waits, then finds nothing to do). Refuses a database migrated by a newer tasker.
 */
export async function migrate(db: Db, migrations: readonly Migration[] = bundled): Promise<number[]> {
  const latest = migrations.length ? migrations[migrations.length - 1].version : 0;
  try {
    return await db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`tasker_migrate:${db.schema}`]);
      await ensureTable(tx, db.schema);
      const applied = await appliedVersions(tx, db.schema);
      const current = applied.reduce((max, a) => Math.max(max, a.version), 0);
      if (current > latest) throw newerError(db, current, latest);
      assertUnmodified(db, applied, migrations);
      const done = new Set(applied.map((a) => a.version));
      const ran: number[] = [];
      for (const m of migrations) {
        if (done.has(m.version)) continue;
        await tx.exec(m.sql);
        await tx.query(`INSERT INTO tasker_migrations (version, name, checksum) VALUES ($1, $2, $3)`, [m.version, m.name, m.checksum]);
        ran.push(m.version);
      }
      return ran;
    });
  } catch (cause) {
    if (cause instanceof TaskerError) throw cause;
    throw new TaskerError('MIGRATION_FAILED', `migrating ${db.description} (schema ${db.schema}) failed: ${(cause as Error).message}`, {
      cause,
      hint: 'the transaction was rolled back; nothing was changed',
    });
  }
}

/** Throws MIGRATION_NEWER when the database is ahead of this tasker; used by every command before work. */
export async function assertCompatible(db: Db, migrations: readonly Migration[] = bundled): Promise<void> {
  const status = await migrationStatus(db, migrations);
  if (status.current > status.latest) throw newerError(db, status.current, status.latest);
  assertUnmodified(db, status.applied, migrations);
}
