import { defineCommand } from 'citty';
import { commonArgs, formatTable, setup, withDb } from './shared.ts';
import { listSchedules, setSchedulePaused, triggerSchedule } from '../scheduling/schedule-store.ts';
import { TemplateStore } from '../templates/store.ts';

const list = defineCommand({
  meta: { name: 'list', description: 'List cron schedules — example: tasker schedule list' },
  args: { ...commonArgs, format: { type: 'string', description: 'text|json', default: 'text' } },
  async run({ args }) {
    const ctx = await setup(args);
    const schedules = await withDb(ctx, (db) => listSchedules(db));
    if (args.format === 'json') return ctx.runtime.writeStdout(JSON.stringify({ schedules }, null, 2) + '\n'), 0;
    ctx.runtime.writeStdout(
      formatTable(
        schedules.map((s) => ({ name: s.name, template: `${s.namespace}/${s.task}${s.version ? `@${s.version}` : ''}`, cron: s.cron, timezone: s.timezone ?? 'UTC', paused: s.paused ? 'yes' : 'no', last: s.last_tick_at ?? '-', next: s.next_tick_at ?? '-' })),
        ['name', 'template', 'cron', 'timezone', 'paused', 'last', 'next'],
      ) + `${schedules.length} schedule${schedules.length === 1 ? '' : 's'}\n`,
    );
    return 0;
  },
});

const nameArg = { name: { type: 'positional', required: true, description: 'schedule name (see tasker schedule list)' } } as const;

const pause = defineCommand({
  meta: { name: 'pause', description: 'Pause a schedule in every process — example: tasker schedule pause billing/invoice#0' },
  args: { ...commonArgs, ...nameArg },
  async run({ args }) {
    const ctx = await setup(args);
    const s = await withDb(ctx, (db) => setSchedulePaused(db, String(args.name), true));
    ctx.runtime.writeStdout(`schedule ${s.name} paused\n`);
    return 0;
  },
});

const resume = defineCommand({
  meta: { name: 'resume', description: 'Resume a paused schedule from now (ticks missed while paused are not created) — example: tasker schedule resume billing/invoice#0' },
  args: { ...commonArgs, ...nameArg },
  async run({ args }) {
    const ctx = await setup(args);
    const s = await withDb(ctx, (db) => setSchedulePaused(db, String(args.name), false));
    ctx.runtime.writeStdout(`schedule ${s.name} resumed; next tick ${s.next_tick_at ?? 'never'}\n`);
    return 0;
  },
});

const trigger = defineCommand({
  meta: { name: 'trigger', description: 'Create one task of a schedule now — example: tasker schedule trigger billing/invoice#0' },
  args: { ...commonArgs, ...nameArg },
  async run({ args }) {
    const ctx = await setup(args);
    const { task } = await withDb(ctx, (db) =>
      triggerSchedule(db, new TemplateStore(), String(args.name), { notify: ctx.config.common.queues.notify, maxInputBytes: ctx.config.orchestration.max_task_input_bytes }),
    );
    ctx.runtime.writeStdout(`created task ${task.task_uuid} (${task.namespace}/${task.name}@${task.version})\n`);
    return 0;
  },
});

export default defineCommand({
  meta: { name: 'schedule', description: 'Cron schedules: list, pause, resume, trigger' },
  subCommands: { list, pause, resume, trigger },
});
