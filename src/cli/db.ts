import { defineCommand } from 'citty';
import { commonArgs, formatTable, setup, withDb, type CliContext } from './shared.ts';
import { withStatus } from './status-line.ts';
import { migrate, migrationStatus } from '../db/migrate.ts';
import { redactUrl } from '../config/redact.ts';
import { TaskerError } from '../errors.ts';

/** The embedded data directory the command manages; a usage error when DATABASE_URL (or memory) is in effect. */
async function embeddedDir(ctx: CliContext, command: string): Promise<string> {
  const db = ctx.config.common.database;
  if (db.url) {
    throw new TaskerError('USAGE', `tasker db ${command} manages the embedded PostgreSQL, but a database URL is set (${redactUrl(db.url)})`, {
      hint: 'unset DATABASE_URL (or pass --database .tasker/pgdata) to manage the embedded server',
    });
  }
  if (db.embedded_path === 'memory') throw new TaskerError('USAGE', `tasker db ${command}: a throwaway (memory) database exists only inside the process that made it`);
  const { embeddedDataDir } = await import('../db/embedded.ts');
  return embeddedDataDir(ctx.runtime, db.embedded_path);
}

const migrateCmd = defineCommand({
  meta: { name: 'migrate', description: 'Apply pending migrations (safe to run from several processes) — example: tasker db migrate' },
  args: { ...commonArgs },
  async run({ args }) {
    const ctx = await setup(args);
    const ran = await withDb(ctx, (db) => migrate(db), { migrate: false });
    ctx.runtime.writeStdout(ran.length ? `applied migrations ${ran.join(', ')}\n` : 'database is up to date\n');
    return 0;
  },
});

const start = defineCommand({
  meta: { name: 'start', description: 'Start the embedded PostgreSQL and keep it running until `tasker db stop` — example: tasker db start' },
  args: { ...commonArgs },
  async run({ args }) {
    const ctx = await setup(args);
    const dir = await embeddedDir(ctx, 'start');
    const { startEmbedded } = await import('../db/embedded.ts');
    const server = await withStatus(ctx.runtime, 'starting the embedded PostgreSQL', () => startEmbedded(ctx.runtime, dir));
    ctx.runtime.writeStdout(`embedded PostgreSQL running: pid ${server.pid}, 127.0.0.1:${server.port}, data ${dir} (tasker db psql-url prints the URL)\n`);
    return 0;
  },
});

const stop = defineCommand({
  meta: { name: 'stop', description: 'Stop the embedded PostgreSQL now (sessions of running tasker processes end) — example: tasker db stop' },
  args: { ...commonArgs },
  async run({ args }) {
    const ctx = await setup(args);
    const dir = await embeddedDir(ctx, 'stop');
    const { stopEmbedded } = await import('../db/embedded.ts');
    const stopped = await withStatus(ctx.runtime, 'stopping the embedded PostgreSQL', () => stopEmbedded(ctx.runtime, dir));
    ctx.runtime.writeStdout(stopped ? `embedded PostgreSQL stopped (${dir})\n` : `embedded PostgreSQL was not running (${dir})\n`);
    return 0;
  },
});

const psqlUrl = defineCommand({
  meta: { name: 'psql-url', description: 'Print the URL of the running embedded PostgreSQL (it contains the password) — example: tasker db psql-url (psql "$(tasker db psql-url)")' },
  args: { ...commonArgs },
  async run({ args }) {
    const ctx = await setup(args);
    const dir = await embeddedDir(ctx, 'psql-url');
    const { embeddedStatus, serverUrl } = await import('../db/embedded.ts');
    const server = embeddedStatus(ctx.runtime, dir);
    if (!server) throw new TaskerError('DB_UNREACHABLE', `the embedded PostgreSQL of ${dir} is not running`, { hint: 'start it with `tasker db start` (or keep `tasker run` running)' });
    ctx.runtime.writeStdout(serverUrl(server) + '\n');
    return 0;
  },
});

const status = defineCommand({
  meta: { name: 'status', description: 'Show the database server (embedded: running or not) and the applied and pending migrations — example: tasker db status --format json' },
  args: { ...commonArgs, format: { type: 'string', description: 'text|json', default: 'text' } },
  async run({ args }) {
    const ctx = await setup(args);
    const db = ctx.config.common.database;
    let server: Record<string, unknown>;
    if (db.url) server = { kind: 'url', url: redactUrl(db.url), running: true };
    else if (db.embedded_path === 'memory') server = { kind: 'memory', running: true };
    else {
      const { embeddedDataDir, embeddedStatus } = await import('../db/embedded.ts');
      const dir = embeddedDataDir(ctx.runtime, db.embedded_path);
      const s = embeddedStatus(ctx.runtime, dir);
      server = { kind: 'embedded', data_dir: dir, running: Boolean(s), pid: s?.pid ?? null, port: s?.port ?? null, users: s?.users ?? [] };
    }
    // a stopped embedded server is reported, not started
    const migrations = server.running ? await withDb(ctx, (d) => migrationStatus(d), { migrate: false }) : null;
    if (args.format === 'json') {
      // the migration status stays at the top level (as before `server` was added)
      ctx.runtime.writeStdout(JSON.stringify({ ...migrations, server }, null, 2) + '\n');
      return 0;
    }
    if (server.kind === 'embedded') {
      ctx.runtime.writeStdout(server.running
        ? `embedded PostgreSQL: running, pid ${server.pid}, 127.0.0.1:${server.port}, data ${server.data_dir}, users: ${(server.users as string[]).join(', ') || 'none'}\n`
        : `embedded PostgreSQL: stopped (data ${server.data_dir}); it starts with the first tasker command that needs it\n`);
    } else ctx.runtime.writeStdout(`database: ${server.kind === 'url' ? server.url : 'throwaway (memory)'}\n`);
    if (!migrations) return 0;
    ctx.runtime.writeStdout(`schema ${migrations.schema}: at migration ${migrations.current} of ${migrations.latest}\n`);
    const rows = [
      ...migrations.applied.map((a) => ({ version: a.version, name: a.name, status: 'applied', at: a.applied_at.toISOString() })),
      ...migrations.pending.map((p) => ({ version: p.version, name: p.name, status: 'pending', at: '' })),
    ];
    ctx.runtime.writeStdout(formatTable(rows, ['version', 'name', 'status', 'at']));
    return 0;
  },
});

export default defineCommand({
  meta: { name: 'db', description: 'The embedded PostgreSQL server (start, stop, status, psql-url) and migrations' },
  subCommands: { start, stop, status, 'psql-url': psqlUrl, migrate: migrateCmd },
});
