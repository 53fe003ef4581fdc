// Step failures through the engine: retries with backoff (checked against the recorded times), exhausted
// attempts, permanent errors, timeouts with AbortSignal, unknown handlers and unstorable results.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tasker } from '../../src/engine/index.ts';
import { HandlerRegistry, PermanentError, RetryableError, StepHandler, StepHandlerResult, defineHandler, type StepContext } from '../../src/handlers/index.ts';
import { BACKENDS, startTasker, stopAllTaskers, yamlTemplate, type EngineBackend } from '../helpers/engine.ts';

const oneStep = (name: string, callable: string, extra = '') =>
  yamlTemplate(`
name: ${name}
namespace_name: engine_retry
version: 1.0.0
identity_strategy: always_unique
steps:
  - name: only
    handler: { callable: ${callable} }
${extra}
`);

const TEMPLATES = [
  oneStep('flaky', 'fails_twice', '    retry: { max_attempts: 3, backoff: exponential, backoff_base_ms: 200, max_backoff_ms: 5000 }'),
  oneStep('always_failing', 'always_fails', '    retry: { max_attempts: 3, backoff: exponential, backoff_base_ms: 20 }'),
  oneStep('permanent', 'fails_permanently', '    retry: { max_attempts: 3, backoff_base_ms: 20 }'),
  oneStep('slow', 'too_slow', '    timeout_seconds: 1\n    retry: { max_attempts: 2, backoff: none }'),
  oneStep('slow_once', 'too_slow', '    timeout_seconds: 1\n    retry: { max_attempts: 1 }'),
  oneStep('deaf', 'ignores_abort', '    timeout_seconds: 1\n    retry: { max_attempts: 2, backoff: none }'),
  // a long template backoff, so only the handler's Retry-After (0.3 s) lets the retry run in time
  oneStep('rate_limited', 'asks_retry_after', '    retry: { max_attempts: 2, backoff: linear, backoff_base_ms: 60000, max_backoff_ms: 120000 }'),
  oneStep('missing', 'no_such_handler_anywhere', '    retry: { max_attempts: 3, backoff_base_ms: 20 }'),
  oneStep('unstorable', 'returns_bigint', '    retry: { max_attempts: 3, backoff_base_ms: 20 }'),
  oneStep('unstorable_class', 'class_returns_function', '    retry: { max_attempts: 3, backoff_base_ms: 20 }'),
];

/** What the timing-out handlers saw of their AbortSignal, per task. */
const aborts = new Map<string, Array<{ attempt: number; aborted: boolean; reason: string | undefined; afterMs: number }>>();

class ClassReturnsFunction extends StepHandler {
  static override handlerName = 'class_returns_function';
  async call(_context: StepContext): Promise<StepHandlerResult> {
    return this.success({ callback: () => 1 });
  }
}

function registry(): HandlerRegistry {
  const r = new HandlerRegistry();
  r.register(
    defineHandler('fails_twice', {}, ({ context }) => {
      if (context.retryCount < 2) throw new RetryableError(`transient failure on attempt ${context.retryCount + 1}`);
      return { attempt: context.retryCount + 1 };
    }),
  );
  r.register(
    defineHandler('always_fails', {}, ({ context }) => {
      throw new RetryableError(`still failing on attempt ${context.retryCount + 1}`);
    }),
  );
  r.register(
    defineHandler('fails_permanently', {}, () => {
      throw new PermanentError('the input can never work');
    }),
  );
  // waits for its AbortSignal on the first attempt and records when and why it fired
  r.register(
    defineHandler('too_slow', {}, async ({ context }) => {
      const attempt = context.retryCount + 1;
      if (attempt > 1) return { attempt };
      const started = performance.now();
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 30_000);
        context.signal.addEventListener('abort', () => {
          clearTimeout(t);
          resolve();
        }, { once: true });
      });
      const seen = aborts.get(context.taskUuid) ?? [];
      seen.push({ attempt, aborted: context.signal.aborted, reason: (context.signal.reason as Error | undefined)?.name, afterMs: performance.now() - started });
      aborts.set(context.taskUuid, seen);
      throw context.signal.reason;
    }),
  );
  // never looks at its signal and never settles on the first attempt
  r.register(
    defineHandler('ignores_abort', {}, async ({ context }) => {
      if (context.retryCount === 0) await new Promise(() => {});
      return { attempt: context.retryCount + 1 };
    }),
  );
  r.register(
    defineHandler('asks_retry_after', {}, ({ context }) => {
      if (context.retryCount > 0) return { attempt: context.retryCount + 1 };
      return new StepHandlerResult({
        success: false, errorMessage: 'slow down', errorType: 'rate_limited', retryable: true,
        orchestrationMetadata: { headers: { 'retry-after': '1' }, backoffHint: { type: 'server_requested', delaySeconds: 0.3 } },
      });
    }),
  );
  r.register(defineHandler('returns_bigint', {}, () => ({ big: 10n })));
  r.register(ClassReturnsFunction);
  return r;
}

interface Transition {
  from_state: string | null;
  to_state: string;
  metadata: Record<string, unknown> | null;
  created_at: Date;
}

describe.each(BACKENDS)('step failures and retries on %s', (_label, open) => {
  let backend: EngineBackend;
  let tasker: Tasker;

  beforeAll(async () => {
    backend = await open();
    tasker = await startTasker(backend.url, { templates: TEMPLATES, registry: registry() });
  });
  afterAll(async () => {
    await stopAllTaskers();
    await backend?.close();
  });

  async function run(name: string) {
    const created = await tasker.createTask({ namespace: 'engine_retry', name, context: {} });
    const task = await tasker.waitForTask(created.task_uuid, { timeoutMs: 30_000 });
    const [step] = await tasker.getTaskSteps(created.task_uuid);
    const transitions = await tasker.db.query<Transition>(
      `SELECT from_state, to_state, metadata, created_at FROM workflow_step_transitions WHERE step_uuid = $1 ORDER BY id`,
      [step.step_uuid],
    );
    return { task, step, transitions, results: step.results as Record<string, any> };
  }

  it('a step that fails twice then succeeds completes on its third attempt', async () => {
    const { task, step, results } = await run('flaky');
    expect(task.state).toBe('complete');
    expect(step).toMatchObject({ state: 'complete', attempts: 3 });
    expect(results).toMatchObject({ success: true, result: { attempt: 3 } });
  });

  it('honours the exponential backoff between attempts (recorded times, base 200 ms)', async () => {
    const { step, transitions } = await run('flaky');
    expect(step.state).toBe('complete');
    const claims = transitions.filter((t) => t.to_state === 'in_progress');
    const waits = transitions.filter((t) => t.to_state === 'waiting_for_retry');
    expect(claims.map((c) => c.metadata?.attempt)).toEqual([1, 2, 3]);
    expect(waits).toHaveLength(2);
    // the scheduled delay follows base·2^(attempt−1) with ±15 % jitter
    const delays = waits.map((w) => Number(w.metadata?.backoff_seconds));
    expect(delays[0]).toBeGreaterThanOrEqual(0.2 * 0.85);
    expect(delays[0]).toBeLessThanOrEqual(0.2 * 1.15);
    expect(delays[1]).toBeGreaterThanOrEqual(0.4 * 0.85);
    expect(delays[1]).toBeLessThanOrEqual(0.4 * 1.15);
    // and no retry was claimed before its delay had passed (both times from the database clock)
    for (let i = 0; i < 2; i++) {
      const gapMs = claims[i + 1].created_at.getTime() - waits[i].created_at.getTime();
      expect(gapMs, `gap before attempt ${i + 2}`).toBeGreaterThanOrEqual(delays[i] * 1000 - 1);
    }
  });

  it("a handler's Retry-After (backoff hint) sets the delay instead of the template's backoff", async () => {
    const { task, step, transitions } = await run('rate_limited');
    expect(task.state).toBe('complete');
    expect(step).toMatchObject({ state: 'complete', attempts: 2 });
    const wait = transitions.find((t) => t.to_state === 'waiting_for_retry')!;
    expect(Number(wait.metadata?.backoff_seconds)).toBeCloseTo(0.3, 5);
    const retry = transitions.filter((t) => t.to_state === 'in_progress')[1];
    expect(retry.created_at.getTime() - wait.created_at.getTime()).toBeGreaterThanOrEqual(299);
  });

  it('a retryable failure that exhausts max_attempts ends the task in error with attempts = max_attempts', async () => {
    const { task, step, results, transitions } = await run('always_failing');
    expect(task.state).toBe('error');
    expect(step).toMatchObject({ state: 'error', attempts: 3, max_attempts: 3 });
    expect(results).toMatchObject({ success: false, retryable: true, error_type: 'retryable_error', error_message: 'still failing on attempt 3' });
    expect(transitions.filter((t) => t.to_state === 'in_progress')).toHaveLength(3);
    expect(transitions.at(-1)).toMatchObject({ from_state: 'enqueued_as_error_for_orchestration', to_state: 'error' });
  });

  it('a PermanentError is not retried', async () => {
    const { task, step, results, transitions } = await run('permanent');
    expect(task.state).toBe('error');
    expect(step).toMatchObject({ state: 'error', attempts: 1 });
    expect(results).toMatchObject({ success: false, retryable: false, error_type: 'permanent_error', error_message: 'the input can never work' });
    expect(transitions.some((t) => t.to_state === 'waiting_for_retry')).toBe(false);
  });

  it('a handler exceeding timeout_seconds has its AbortSignal fired and is retried', async () => {
    const { task, step, transitions } = await run('slow');
    expect(task.state).toBe('complete');
    expect(step).toMatchObject({ state: 'complete', attempts: 2, results: { result: { attempt: 2 } } });
    const seen = aborts.get(task.task_uuid);
    expect(seen).toHaveLength(1);
    expect(seen![0]).toMatchObject({ attempt: 1, aborted: true, reason: 'TimeoutError' });
    expect(seen![0].afterMs).toBeGreaterThanOrEqual(950);
    expect(transitions.map((t) => t.to_state)).toContain('enqueued_as_error_for_orchestration');
  });

  it('a timed-out attempt is recorded as a retryable timeout failure', async () => {
    const { task, step, results } = await run('slow_once');
    expect(task.state).toBe('error');
    expect(step).toMatchObject({ state: 'error', attempts: 1 });
    expect(results).toMatchObject({ success: false, error_type: 'timeout', retryable: true });
    expect(aborts.get(task.task_uuid)?.[0]).toMatchObject({ aborted: true, reason: 'TimeoutError' });
  });

  it('a handler that ignores its AbortSignal still loses to the timeout and is retried', async () => {
    const { task, step } = await run('deaf');
    expect(task.state).toBe('complete');
    expect(step).toMatchObject({ state: 'complete', attempts: 2 });
  });

  it('an unknown handler fails permanently, naming the callable', async () => {
    const { task, step, results } = await run('missing');
    expect(task.state).toBe('error');
    expect(step).toMatchObject({ state: 'error', attempts: 1 });
    expect(results.retryable).toBe(false);
    expect(results.error_message).toContain('no_such_handler_anywhere');
  });

  it.each([
    ['unstorable', 'a functional handler returning a bigint'],
    ['unstorable_class', 'a class handler returning a function'],
  ])('%s: %s fails with HANDLER_RESULT_INVALID and is not retried', async (name) => {
    const { task, step, results } = await run(name);
    expect(task.state).toBe('error');
    expect(step).toMatchObject({ state: 'error', attempts: 1 });
    expect(results).toMatchObject({ success: false, retryable: false, error_code: 'HANDLER_RESULT_INVALID' });
  });
});
