import { defineCommand } from 'citty';
import { commonArgs, formatTable, setup, withDb } from './shared.ts';
import { migrate, migrationStatus } from '../db/migrate.ts';

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

const status = defineCommand({
  meta: { name: 'status', description: 'Show applied and pending migrations — example: tasker db status --format json' },
  args: { ...commonArgs, format: { type: 'string', description: 'text|json', default: 'text' } },
  async run({ args }) {
    const ctx = await setup(args);
    const s = await withDb(ctx, (db) => migrationStatus(db), { migrate: false });
    if (args.format === 'json') ctx.runtime.writeStdout(JSON.stringify(s, null, 2) + '\n');
    else {
      ctx.runtime.writeStdout(`schema ${s.schema}: at migration ${s.current} of ${s.latest}\n`);
      const rows = [
        ...s.applied.map((a) => ({ version: a.version, name: a.name, status: 'applied', at: a.applied_at.toISOString() })),
        ...s.pending.map((p) => ({ version: p.version, name: p.name, status: 'pending', at: '' })),
      ];
      ctx.runtime.writeStdout(formatTable(rows, ['version', 'name', 'status', 'at']));
    }
    return 0;
  },
});

export default defineCommand({
  meta: { name: 'db', description: 'Database migrations' },
  subCommands: { migrate: migrateCmd, status },
});
