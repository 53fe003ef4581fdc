// [worker] isolation = "thread" (DESIGN §9.5): handlers run in worker threads, so a CPU-bound handler
// cannot starve the main thread (heartbeats, claims, other handlers).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { createTasker, type Tasker } from '../../src/index.ts';

let pg: TestDatabase;
const started: Tasker[] = [];

beforeAll(async () => {
  pg = await createTestDatabase('tasker_threads');
});
afterAll(async () => {
  for (const t of started) await t.stop();
  await pg?.drop();
});

async function engine(isolation: 'thread' | 'none'): Promise<Tasker> {
  const tasker = createTasker({
    config: {
      common: { database: { url: pg.url, schema: `threads_${isolation}` }, queues: { poll_interval_ms: 50 } },
      templates: { paths: ['tests/fixtures/threads/templates'] },
      handlers: { paths: ['tests/fixtures/threads/handlers'] },
      worker: { isolation, thread_pool_size: 2, max_concurrent_handlers: 4 },
    },
  });
  started.push(tasker);
  await tasker.start();
  return tasker;
}

/** Runs a task and records the longest gap between main-thread timer ticks while it ran. */
async function runMeasured(tasker: Tasker): Promise<{ maxGapMs: number; steps: Record<string, { main_thread: boolean }> }> {
  let last = performance.now();
  let maxGapMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
  }, 10);
  try {
    const task = await tasker.createTask({ namespace: 'threads_test', name: 'busy_workflow', context: {}, idempotency_key: crypto.randomUUID() });
    const done = await tasker.waitForTask(task.task_uuid, { timeoutMs: 30_000 });
    expect(done.state).toBe('complete');
    const steps = await tasker.getTaskSteps(task.task_uuid);
    return { maxGapMs, steps: Object.fromEntries(steps.map((s) => [s.name, (s.results as { result: { main_thread: boolean } }).result])) };
  } finally {
    clearInterval(timer);
  }
}

describe('handler thread isolation', () => {
  it('runs discovered handlers in worker threads and keeps the main thread responsive', async () => {
    const { maxGapMs, steps } = await runMeasured(await engine('thread'));
    expect(steps.busy.main_thread).toBe(false);
    expect(steps.quick.main_thread).toBe(false);
    // generous bound: a shared CI box may delay timers, but never by the 3 s the spin blocks a thread
    expect(maxGapMs).toBeLessThan(1500);
  });

  it('notices a handler thread that crashes at once: its step fails as worker_lost, is retried on a replacement thread', async () => {
    const tasker = await engine('thread');
    const task = await tasker.createTask({ namespace: 'threads_test', name: 'thread_crash', context: {}, idempotency_key: crypto.randomUUID() });
    // well under the 300 s handler timeout the lost step used to hang for
    const done = await tasker.waitForTask(task.task_uuid, { timeoutMs: 60_000 });
    expect(done.state).toBe('complete');
    const [step] = await tasker.getTaskSteps(task.task_uuid);
    expect(step).toMatchObject({ state: 'complete', attempts: 2, results: { success: true, result: { attempt: 2, main_thread: false } } });
    const retries = await tasker.db.query<{ to_state: string }>(
      `SELECT to_state FROM threads_thread.workflow_step_transitions WHERE step_uuid = $1 AND to_state = 'waiting_for_retry'`,
      [step.step_uuid],
    );
    expect(retries).toHaveLength(1);
  });

  it('blocks the main thread for the whole spin without isolation (the control case)', async () => {
    const { maxGapMs, steps } = await runMeasured(await engine('none'));
    expect(steps.busy.main_thread).toBe(true);
    expect(maxGapMs).toBeGreaterThan(2500);
  });
});
