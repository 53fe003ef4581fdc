// Results and inputs that can never be stored (issue 10, defect 3): an oversize or unstorable result is a
// permanent step failure naming handler, size and limit — never a retry loop — and an oversize task input
// is refused at creation on the library path (the CLI and HTTP share the same check).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tasker } from '../../src/engine/index.ts';
import { HandlerRegistry, defineHandler } from '../../src/handlers/index.ts';
import { postgresBackend, startTasker, stopAllTaskers, yamlTemplate, type EngineBackend } from '../helpers/engine.ts';

const oneStep = (name: string, callable: string) =>
  yamlTemplate(`
name: ${name}
namespace_name: result_limits
version: 1.0.0
identity_strategy: always_unique
steps:
  - name: only
    handler: { callable: ${callable} }
    retry: { max_attempts: 3, backoff: none }
`);

const runs = new Map<string, number>();
const counted = (name: string, fn: () => unknown) =>
  defineHandler(name, {}, ({ context }) => {
    runs.set(context.taskUuid, (runs.get(context.taskUuid) ?? 0) + 1);
    return fn();
  });

function registry(): HandlerRegistry {
  const r = new HandlerRegistry();
  r.register(counted('returns_300mb', () => ({ blob: 'x'.repeat(300 * 1024 * 1024) })));
  r.register(counted('returns_2kb', () => ({ blob: 'é'.repeat(1024) })));
  r.register(counted('returns_1kb_ascii', () => ({ blob: 'y'.repeat(900) })));
  r.register(counted('returns_nul', () => ({ text: 'before\u0000after' })));
  return r;
}

describe('result and input size limits (PostgreSQL)', () => {
  let backend: EngineBackend;
  let tasker: Tasker;

  beforeAll(async () => {
    backend = await postgresBackend();
    tasker = await startTasker(backend.url, {
      templates: [oneStep('huge', 'returns_300mb'), oneStep('over', 'returns_2kb'), oneStep('under', 'returns_1kb_ascii'), oneStep('nul', 'returns_nul')],
      registry: registry(),
      config: { worker: { max_result_bytes: 2000 }, orchestration: { max_task_input_bytes: 4096 } },
    });
  });
  afterAll(async () => {
    await stopAllTaskers();
    await backend?.close();
  });

  async function run(name: string, context: Record<string, unknown> = {}) {
    const created = await tasker.createTask({ namespace: 'result_limits', name, context });
    const task = await tasker.waitForTask(created.task_uuid, { timeoutMs: 60_000 });
    const [step] = await tasker.getTaskSteps(created.task_uuid);
    return { task, step, results: step.results as Record<string, any>, runs: runs.get(created.task_uuid) };
  }

  it('a 300 MB result fails the step once as RESULT_TOO_LARGE, naming handler and limit', async () => {
    const { task, step, results, runs: n } = await run('huge');
    expect(task.state).toBe('error');
    expect(step).toMatchObject({ state: 'error', attempts: 1 });
    expect(n).toBe(1);
    expect(results).toMatchObject({ success: false, retryable: false, error_code: 'RESULT_TOO_LARGE', metadata: { handler: 'returns_300mb', limit_bytes: 2000 } });
    expect(results.error_message).toMatch(/returns_300mb.*over the limit of 2000 bytes/);
  }, 120_000);

  it('counts the limit in UTF-8 bytes: 1,024 two-byte characters are over 2,000 bytes', async () => {
    const { step, results } = await run('over');
    expect(step.state).toBe('error');
    expect(results).toMatchObject({ error_code: 'RESULT_TOO_LARGE', metadata: { size_bytes: expect.any(Number) } });
    expect(results.metadata.size_bytes).toBeGreaterThan(2048);
  });

  it('a result under the limit is stored as returned', async () => {
    const { task, results } = await run('under');
    expect(task.state).toBe('complete');
    expect(results.result.blob).toHaveLength(900);
  });

  it('a result PostgreSQL refuses (NUL in a string) fails permanently as RESULT_INVALID, not in a retry loop', async () => {
    const { task, step, results, runs: n } = await run('nul');
    expect(task.state).toBe('error');
    expect(step.attempts).toBe(1);
    expect(n).toBe(1);
    expect(results).toMatchObject({ success: false, retryable: false, error_code: 'RESULT_INVALID', metadata: { handler: 'returns_nul' } });
  });

  it('refuses an oversize task input with INPUT_TOO_LARGE and writes nothing', async () => {
    const before = await tasker.db.query<{ n: number }>('SELECT count(*)::int AS n FROM tasks');
    await expect(tasker.createTask({ namespace: 'result_limits', name: 'under', context: { blob: 'z'.repeat(5000) } })).rejects.toMatchObject({
      code: 'INPUT_TOO_LARGE',
      message: expect.stringMatching(/result_limits\/under is \d+ bytes, over the limit of 4096 bytes/),
    });
    await expect(tasker.createTask({ namespace: 'result_limits', name: 'under', context: { text: 'a\u0000b' } })).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    await expect(tasker.createTask({ namespace: 'result_limits', name: 'under', context: { n: 1n } as never })).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    const after = await tasker.db.query<{ n: number }>('SELECT count(*)::int AS n FROM tasks');
    expect(after[0].n).toBe(before[0].n);
  });
});
