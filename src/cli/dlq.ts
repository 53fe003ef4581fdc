import { defineCommand } from 'citty';
import { commonArgs, formatTable, setup, withDb } from './shared.ts';
import { getDlqEntry, listDlq, resolveDlqEntry, DlqResolutions, type DlqResolution } from '../orchestration/dlq.ts';
import { TaskerError } from '../errors.ts';

const list = defineCommand({
  meta: { name: 'list', description: 'List dead-lettered tasks — example: tasker dlq list --status pending' },
  args: {
    ...commonArgs,
    status: { type: 'string', description: 'pending (default: all) or a resolution status' },
    limit: { type: 'string', description: 'page size', default: '50' },
    offset: { type: 'string', description: 'page offset', default: '0' },
    format: { type: 'string', description: 'text|json', default: 'text' },
  },
  async run({ args }) {
    const ctx = await setup(args);
    const result = await withDb(ctx, (db) => listDlq(db, { status: args.status as string | undefined, limit: Number(args.limit), offset: Number(args.offset) }));
    if (args.format === 'json') return ctx.runtime.writeStdout(JSON.stringify(result, null, 2) + '\n'), 0;
    ctx.runtime.writeStdout(
      formatTable(
        result.entries.map((e) => ({ dlq_id: e.dlq_id, task_uuid: e.task_uuid, template: `${e.namespace}/${e.name}@${e.version}`, reason: e.reason, status: e.resolution_status, created: e.created_at.toISOString() })),
        ['dlq_id', 'task_uuid', 'template', 'reason', 'status', 'created'],
      ) + `${result.entries.length} of ${result.total} entr${result.total === 1 ? 'y' : 'ies'}\n`,
    );
    return 0;
  },
});

const show = defineCommand({
  meta: { name: 'show', description: 'Show one DLQ entry with its snapshot — example: tasker dlq show 0192f2a4-…' },
  args: { ...commonArgs, id: { type: 'positional', required: true, description: 'DLQ entry id' } },
  async run({ args }) {
    const ctx = await setup(args);
    const entry = await withDb(ctx, (db) => getDlqEntry(db, String(args.id)));
    ctx.runtime.writeStdout(JSON.stringify(entry, null, 2) + '\n');
    return 0;
  },
});

const resolve = defineCommand({
  meta: { name: 'resolve', description: `Record how a DLQ entry was handled — example: tasker dlq resolve 0192f2a4-… --status resolved --notes "re-ran by hand"` },
  args: {
    ...commonArgs,
    id: { type: 'positional', required: true, description: 'DLQ entry id' },
    status: { type: 'string', description: DlqResolutions.join('|'), default: 'resolved' },
    notes: { type: 'string', description: 'what was done' },
    actor: { type: 'string', description: 'who (default: the OS user)' },
  },
  async run({ args }) {
    const ctx = await setup(args);
    if (!DlqResolutions.includes(args.status as DlqResolution)) {
      throw new TaskerError('USAGE', `--status must be one of ${DlqResolutions.join(', ')}, not ${JSON.stringify(args.status)}`);
    }
    const entry = await withDb(ctx, (db) =>
      resolveDlqEntry(db, String(args.id), {
        status: args.status as DlqResolution,
        notes: (args.notes as string | undefined) ?? null,
        actor: (args.actor as string | undefined) ?? ctx.runtime.env.USER ?? 'tasker-cli',
      }),
    );
    ctx.runtime.writeStdout(`DLQ entry ${entry.dlq_id} (task ${entry.task_uuid}) is now ${entry.resolution_status}\n`);
    return 0;
  },
});

export default defineCommand({
  meta: { name: 'dlq', description: 'The dead-letter queue of tasks that ran out of options' },
  subCommands: { list, show, resolve },
});
