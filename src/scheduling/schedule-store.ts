// The schedules table (issue 17): registration at start, listing, pause/resume, manual trigger, and firing
// the due ticks — exactly one task per schedule and tick across any number of processes.
import type { Db, Queryable } from '../db/types.ts';
import { TaskerError, isTaskerError } from '../errors.ts';
import type { Logger } from '../logging.ts';
import { createTask, type CreatedTask } from '../orchestration/task-creator.ts';
import type { AdvanceOutcome } from '../orchestration/task-advancer.ts';
import { uuidv7 } from '../orchestration/uuid.ts';
import type { TemplateStore } from '../templates/store.ts';
import { dueTicks, nextTick } from './cron.ts';

/** One schedule: which template to run, when, with what input. */
export interface ScheduleSpec {
  name: string;
  namespace: string;
  task: string;
  version: string | null;
  cron: string;
  timezone: string | null;
  input: Record<string, unknown>;
  /** Older missed ticks created after downtime, besides the latest one (0: only the latest). */
  backfill: number;
  /** Where it was declared: `template <file>` or `config`. */
  source: string;
}

/** A schedule as stored, with its state. */
export interface ScheduleView extends ScheduleSpec {
  paused: boolean;
  last_tick_at: string | null;
  last_task_uuid: string | null;
  next_tick_at: string | null;
}

interface ScheduleRow {
  schedule_name: string; namespace: string; task_name: string; version: string | null; cron: string; timezone: string | null;
  input: Record<string, unknown>; backfill: number; source: string; paused: boolean; last_tick_at: Date | null; last_task_uuid: string | null;
}

/** Upserts the schedules this process declares; a new schedule starts from now (no catch-up of the past). */
export async function registerSchedules(db: Queryable, specs: readonly ScheduleSpec[]): Promise<void> {
  if (specs.length === 0) return;
  await db.query(
    `INSERT INTO schedules (schedule_name, namespace, task_name, version, cron, timezone, input, backfill, source, last_tick_at)
     SELECT * , now() FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::int[], $9::text[])
     ON CONFLICT (schedule_name) DO UPDATE SET namespace = excluded.namespace, task_name = excluded.task_name,
       version = excluded.version, cron = excluded.cron, timezone = excluded.timezone, input = excluded.input,
       backfill = excluded.backfill, source = excluded.source, updated_at = now()`,
    [specs.map((s) => s.name), specs.map((s) => s.namespace), specs.map((s) => s.task), specs.map((s) => s.version),
      specs.map((s) => s.cron), specs.map((s) => s.timezone), specs.map((s) => JSON.stringify(s.input)),
      specs.map((s) => s.backfill), specs.map((s) => s.source)],
  );
}

function view(r: ScheduleRow, now = new Date()): ScheduleView {
  const next = r.paused ? null : nextTick(r.cron, r.timezone, now);
  return {
    name: r.schedule_name, namespace: r.namespace, task: r.task_name, version: r.version, cron: r.cron, timezone: r.timezone,
    input: r.input, backfill: r.backfill, source: r.source, paused: r.paused,
    last_tick_at: r.last_tick_at?.toISOString() ?? null, last_task_uuid: r.last_task_uuid, next_tick_at: next?.toISOString() ?? null,
  };
}

/** Every schedule, by name. */
export async function listSchedules(db: Queryable): Promise<ScheduleView[]> {
  const rows = await db.query<ScheduleRow>(`SELECT * FROM schedules ORDER BY schedule_name`);
  return rows.map((r) => view(r));
}

function notFound(name: string): TaskerError {
  return new TaskerError('SCHEDULE_NOT_FOUND', `no schedule named ${JSON.stringify(name)}`, {
    hint: 'list the schedules with `tasker schedule list`; they come from templates\' `schedules` and config [[schedules]]',
  });
}

/** Pauses (true) or resumes (false) a schedule. A resumed schedule starts from now: the ticks it missed while paused are not created. */
export async function setSchedulePaused(db: Queryable, name: string, paused: boolean): Promise<ScheduleView> {
  const rows = await db.query<ScheduleRow>(
    `UPDATE schedules SET paused = $2, updated_at = now(),
       last_tick_at = CASE WHEN paused AND NOT $2 THEN now() ELSE last_tick_at END
     WHERE schedule_name = $1 RETURNING *`,
    [name, paused],
  );
  if (rows.length === 0) throw notFound(name);
  return view(rows[0]);
}

/** Creates one task of a schedule now, outside its ticks (also for a paused schedule). */
export async function triggerSchedule(db: Db, store: TemplateStore, name: string, o: { notify: boolean; sender?: string; maxInputBytes: number }): Promise<{ task: CreatedTask; outcome: AdvanceOutcome }> {
  const [row] = await db.query<ScheduleRow>(`SELECT * FROM schedules WHERE schedule_name = $1`, [name]);
  if (!row) throw notFound(name);
  return createTask(db, store, {
    namespace: row.namespace, name: row.task_name, version: row.version, context: row.input,
    idempotency_key: `schedule:${name}:manual:${uuidv7()}`, initiator: 'schedule', source_system: 'tasker-schedule', reason: `schedule ${name} triggered by hand`,
  }, o);
}

/** Ticks this recent are always created: the pass ran late (a busy box), the process was not down. */
export const LATE_TOLERANCE_MS = 2000;

/** What one firing pass did. */
export interface FireOutcome extends AdvanceOutcome {
  created: number;
  /** The earliest next tick over the unpaused schedules (null: none). */
  nextTickAt: Date | null;
}

/**
 * Creates the tasks of every due tick (newest `backfill + 1` missed ones per schedule) inside one transaction that
 * holds the schedules' rows: the row lock and `last_tick_at` give exactly one task per tick across processes,
 * and each task's idempotency key (schedule + tick) makes a duplicate impossible even if they did not.
 */
export async function fireSchedules(
  db: Db, store: TemplateStore, o: { notify: boolean; sender?: string; maxInputBytes: number; logger: Logger; now?: () => Date },
): Promise<FireOutcome> {
  const now = o.now?.() ?? new Date();
  const all = await db.query<ScheduleRow>(`SELECT * FROM schedules WHERE NOT paused`);
  const outcome: FireOutcome = { enqueued: new Map(), finished: [], nextWakeAt: null, created: 0, nextTickAt: null };
  const dueNames: string[] = [];
  for (const r of all) {
    const last = r.last_tick_at ?? now;
    if (dueTicks(r.cron, r.timezone, last, now, 1).length) dueNames.push(r.schedule_name);
    const next = nextTick(r.cron, r.timezone, now);
    if (next && (!outcome.nextTickAt || next < outcome.nextTickAt)) outcome.nextTickAt = next;
  }
  if (dueNames.length === 0) return outcome;
  await db.transaction(async (tx) => {
    const rows = await tx.query<ScheduleRow>(
      `SELECT * FROM schedules WHERE schedule_name = ANY($1::text[]) AND NOT paused ORDER BY schedule_name FOR UPDATE SKIP LOCKED`,
      [dueNames],
    );
    for (const r of rows) {
      const ticks = dueTicks(r.cron, r.timezone, r.last_tick_at ?? now, now, Math.max(0, r.backfill) + 1, LATE_TOLERANCE_MS);
      if (ticks.length === 0) continue;
      let lastTask: string | null = r.last_task_uuid;
      for (const tick of ticks) {
        try {
          const { task, outcome: created } = await createTask(tx, store, {
            namespace: r.namespace, name: r.task_name, version: r.version, context: r.input,
            idempotency_key: `schedule:${r.schedule_name}@${tick.toISOString()}`,
            initiator: 'schedule', source_system: 'tasker-schedule', reason: `schedule ${r.schedule_name} tick ${tick.toISOString()}`,
          }, o);
          lastTask = task.task_uuid;
          outcome.created++;
          for (const [q, n] of created.enqueued) outcome.enqueued.set(q, (outcome.enqueued.get(q) ?? 0) + n);
          outcome.finished.push(...created.finished);
        } catch (err) {
          if (isTaskerError(err, 'TASK_DUPLICATE')) continue;
          if (!isTaskerError(err)) throw err;
          // a schedule whose template or input is wrong: say so at each tick, never block the other schedules
          o.logger.warn('schedule could not create its task', { schedule: r.schedule_name, tick: tick.toISOString(), code: err.code, error: err.message });
        }
      }
      await tx.query(`UPDATE schedules SET last_tick_at = $2, last_task_uuid = $3, updated_at = now() WHERE schedule_name = $1`,
        [r.schedule_name, ticks[ticks.length - 1].toISOString(), lastTask]);
    }
  });
  return outcome;
}
