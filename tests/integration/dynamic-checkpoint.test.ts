// Checkpoints survive a crash (DESIGN §6.8, real PostgreSQL, several processes): a worker process is SIGKILLed
// mid-batch after a checkpoint; once its lease lapses another worker re-claims the step and resumes from the
// checkpoint cursor, so rows before it are processed exactly once.
import { spawn } from 'node:child_process';
import postgres from 'postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CHECKPOINT_TEMPLATE, ROWS, checkpointRegistry, createCheckpointLedger } from '../fixtures/dynamic/checkpoint-handlers.ts';
import { createTestDatabase, waitFor, type TestDatabase } from '../helpers/db.ts';
import { ROOT, startTasker, stopAllTaskers } from '../helpers/engine.ts';

const HANG_AT = 25; // the first worker dies after row 25; its last checkpoint is at row 20
let database: TestDatabase;
let ledger: postgres.Sql;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  database = await createTestDatabase('tasker_dyn_checkpoint');
  await createCheckpointLedger(database.url);
  ledger = postgres(database.url, { max: 1, onnotice: () => {} });
});

afterAll(async () => {
  await stopAllTaskers();
  for (const close of closers) await close();
  await ledger?.end();
  await database?.drop();
});

it('a worker process killed mid-batch is resumed by another worker from its last checkpoint', async () => {
  const orchestrator = await startTasker(database.url, { templates: [CHECKPOINT_TEMPLATE], roles: { orchestrator: true, worker: false } });

  const child = spawn(process.execPath, ['bin/run-ts.mjs', 'tests/fixtures/dynamic/checkpoint-worker.ts'], {
    cwd: ROOT,
    env: { ...process.env, CP_DB_URL: database.url, CP_HANG_AT: String(HANG_AT) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<{ signal: string | null }>((resolve) => child.once('exit', (_code, signal) => resolve({ signal })));
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  closers.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  await waitFor(() => output.includes('ready '), { timeoutMs: 60_000, what: `the worker process to start (output: ${output})` });

  const task = await orchestrator.createTask({ namespace: 'dyn_checkpoint', name: 'checkpointed', context: {} });
  // the child has checkpointed at row 20 and is stuck after row 25
  const step = await waitFor(async () => {
    const s = (await orchestrator.getTaskSteps(task.task_uuid)).find((x) => x.name === 'crunch_001');
    const rows = await ledger`SELECT max(row_number)::int AS m FROM public.checkpoint_ledger WHERE task_uuid = ${task.task_uuid}`;
    return s && (s.checkpoint as { cursor?: number } | null)?.cursor === 20 && rows[0].m === HANG_AT ? s : null;
  }, { timeoutMs: 30_000, what: 'the first worker to checkpoint at row 20 and reach row 25' });
  expect(step.state).toBe('in_progress');
  expect(step.attempts).toBe(1);
  child.kill('SIGKILL');
  expect((await exited).signal).toBe('SIGKILL');

  const { registry, close } = checkpointRegistry(database.url, { hangAt: null, pid: process.pid });
  closers.push(close);
  await startTasker(database.url, {
    templates: [CHECKPOINT_TEMPLATE],
    registry,
    roles: { orchestrator: false, worker: true },
    config: { common: { queues: { visibility_timeout_seconds: 2 } } },
  });
  const done = await orchestrator.waitForTask(task.task_uuid, { timeoutMs: 30_000 });
  expect(done.state).toBe('complete');

  const rows = await ledger<Array<{ row_number: number; pid: number; resumed_from: number }>>`
    SELECT row_number, pid, resumed_from FROM public.checkpoint_ledger WHERE task_uuid = ${task.task_uuid} ORDER BY id`;
  const count = (r: number) => rows.filter((x) => x.row_number === r).length;
  // every row was processed; rows before the checkpoint exactly once (by the killed worker)
  for (let r = 0; r < ROWS; r++) expect(count(r), `row ${r}`).toBeGreaterThanOrEqual(1);
  for (let r = 0; r < 20; r++) expect(count(r), `row ${r}`).toBe(1);
  const resumed = rows.filter((x) => x.pid === process.pid);
  expect(resumed[0]).toEqual({ row_number: 20, pid: process.pid, resumed_from: 20 });
  expect(new Set(resumed.map((x) => x.resumed_from)).size).toBeGreaterThan(1); // it went on checkpointing
  // only rows after the checkpoint and up to the crash ran twice
  expect(rows.filter((x) => count(x.row_number) > 1).every((x) => x.row_number >= 20 && x.row_number <= HANG_AT)).toBe(true);

  const steps = Object.fromEntries((await orchestrator.getTaskSteps(task.task_uuid)).map((s) => [s.name, s]));
  expect(steps.crunch_001.attempts).toBe(2);
  const expectedSum = (ROWS * (ROWS - 1)) / 2;
  expect((steps.crunch_001.results as { result: { sum: number } }).result.sum).toBe(expectedSum);
  expect((steps.total.results as { result: { sum: number } }).result.sum).toBe(expectedSum);
});
