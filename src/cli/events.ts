import { defineCommand } from 'citty';
import { commonArgs, formatTable, setup, withDb, type CliContext } from './shared.ts';
import { listEvents, type EventFilter } from '../events/queries.ts';
import type { DomainEventRecord } from '../events/types.ts';
import { TaskerError } from '../errors.ts';
import type { Db } from '../db/types.ts';

const filterArgs = {
  ...commonArgs,
  name: { type: 'string', description: 'event-name pattern, * wildcards (order.*)' },
  task: { type: 'string', description: 'only events of this task (uuid)' },
  format: { type: 'string', description: 'text|json', default: 'text' },
} as const;

function filterOf(args: { name?: unknown; task?: unknown }): EventFilter {
  const task = args.task as string | undefined;
  if (task && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(task)) {
    throw new TaskerError('USAGE', `--task must be a task uuid, not ${JSON.stringify(task)}`, { hint: 'see `tasker task list`' });
  }
  return { name: args.name as string | undefined, taskUuid: task };
}

const iso = (d: string | Date) => (d instanceof Date ? d.toISOString() : String(d));
function line(e: DomainEventRecord): string {
  return `${iso(e.fired_at)}  #${e.event_seq} ${e.event_name} (${e.delivery_mode}) task=${e.task_uuid} step=${e.step_name} attempt=${e.attempt} ${JSON.stringify(e.payload)}`;
}

const list = defineCommand({
  meta: { name: 'list', description: 'List stored domain events, oldest first — example: tasker events list --name "order.*" --task 0192f2a4-…' },
  args: { ...filterArgs, limit: { type: 'string', description: 'how many of the newest (1–1000)', default: '50' } },
  async run({ args }) {
    const ctx = await setup(args);
    const events = await withDb(ctx, (db) => listEvents(db, { ...filterOf(args), limit: Number(args.limit) }));
    if (args.format === 'json') return ctx.runtime.writeStdout(JSON.stringify(events, null, 2) + '\n'), 0;
    const rows = events.map((e) => ({
      seq: e.event_seq, fired_at: iso(e.fired_at), event: e.event_name, mode: e.delivery_mode, task_uuid: e.task_uuid, step: e.step_name,
      attempt: e.attempt, deliveries: Object.entries(e.deliveries ?? {}).map(([g, s]) => `${g}:${s}`).join(' ') || '-',
    }));
    ctx.runtime.writeStdout(formatTable(rows, ['seq', 'fired_at', 'event', 'mode', 'task_uuid', 'step', 'attempt', 'deliveries']) + `${events.length} event${events.length === 1 ? '' : 's'}\n`);
    return 0;
  },
});

async function follow(ctx: CliContext, db: Db, filter: EventFilter, json: boolean, count: number): Promise<void> {
  const { createWaker } = await import('../queue/waker.ts');
  const waker = createWaker({ db, queues: ['domain_events'], pollIntervalMs: 1000, maxPollIntervalMs: 1000, useNotify: ctx.config.common.queues.notify });
  let stopped = false;
  const off = (['SIGINT', 'SIGTERM'] as const).map((s) => ctx.runtime.onSignal(s, () => ((stopped = true), void waker.stop())));
  await waker.start();
  const print = (e: DomainEventRecord) => ctx.runtime.writeStdout(`${json ? JSON.stringify(e) : line(e)}\n`);
  // the last 10 first, then everything after; events of transactions that committed out of sequence order
  // are caught by looking back a little and skipping the ones already printed
  const seen = new Set<string>();
  let printed = 0;
  let last = 0;
  for (const e of await listEvents(db, { ...filter, limit: 10 })) {
    seen.add(e.event_seq);
    last = Math.max(last, Number(e.event_seq));
    print(e);
    if (++printed >= count) break;
  }
  while (!stopped && printed < count) {
    for (const e of await listEvents(db, { ...filter, afterSeq: Math.max(0, last - 200), limit: 1000 })) {
      if (seen.has(e.event_seq)) continue;
      seen.add(e.event_seq);
      last = Math.max(last, Number(e.event_seq));
      print(e);
      if (++printed >= count) break;
    }
    if (seen.size > 5000) for (const s of [...seen].slice(0, 2500)) seen.delete(s);
    if (printed < count) await waker.wait();
  }
  for (const o of off) o();
  await waker.stop();
}

const tail = defineCommand({
  meta: { name: 'tail', description: 'Print the last 10 domain events, then new ones as they are committed (Ctrl-C stops) — example: tasker events tail --name "payment.*"' },
  args: { ...filterArgs, count: { type: 'string', description: 'exit after printing this many events' } },
  async run({ args }) {
    const ctx = await setup(args);
    const count = args.count === undefined ? Infinity : Number(args.count);
    if (!(count > 0)) throw new TaskerError('USAGE', `--count must be a positive integer, not ${JSON.stringify(args.count)}`);
    await withDb(ctx, (db) => follow(ctx, db, filterOf(args), args.format === 'json', count));
    return 0;
  },
});

export default defineCommand({
  meta: { name: 'events', description: 'Domain events published by steps (the outbox)' },
  subCommands: { list, tail },
});
