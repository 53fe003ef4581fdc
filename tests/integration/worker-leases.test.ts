// Lease bookkeeping of the worker (issue 10, defects 1 and 5): the heartbeat must judge only the steps it
// asked about, matched by claim token, so steps claimed during its round trip are never aborted, and a
// step the process re-claims itself keeps its own timeout outcome.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tasker } from '../../src/engine/index.ts';
import { HandlerRegistry, defineHandler } from '../../src/handlers/index.ts';
import { postgresBackend, startTasker, stopAllTaskers, stopTasker, yamlTemplate, type EngineBackend } from '../helpers/engine.ts';

const TEMPLATE = yamlTemplate(`
name: sleepy
namespace_name: lease_check
version: 1.0.0
identity_strategy: always_unique
steps:
  - name: only
    handler: { callable: sleeps_200ms }
    retry: { max_attempts: 1 }
`);

describe('lease heartbeat under a steady stream of claims', () => {
  let backend: EngineBackend;
  const executions = new Map<string, number>();

  beforeAll(async () => {
    backend = await postgresBackend();
  });
  afterAll(async () => {
    await stopAllTaskers();
    await backend?.close();
  });

  function registry(): HandlerRegistry {
    const r = new HandlerRegistry();
    r.register(
      defineHandler('sleeps_200ms', {}, async ({ context }) => {
        executions.set(context.taskUuid, (executions.get(context.taskUuid) ?? 0) + 1);
        await new Promise((resolve) => setTimeout(resolve, 200));
        return { ok: true };
      }),
    );
    return r;
  }

  // the race needs claims landing while a heartbeat is in flight: a 3 s lease beats every second, and
  // 300 tasks of 200 ms at concurrency 10 keep claiming for ~6 s; run it three times
  for (const round of [1, 2, 3]) {
    it(`round ${round}: 300 one-step tasks with max_attempts 1 all complete, each handler ran once`, async () => {
      executions.clear();
      const tasker: Tasker = await startTasker(backend.url, {
        templates: [TEMPLATE],
        registry: registry(),
        config: { common: { queues: { visibility_timeout_seconds: 3 } }, worker: { heartbeat_interval_ms: 200 } },
      });
      try {
        const created = await Promise.all(
          Array.from({ length: 300 }, () => tasker.createTask({ namespace: 'lease_check', name: 'sleepy', context: {} })),
        );
        const finished = await Promise.all(created.map((t) => tasker.waitForTask(t.task_uuid, { timeoutMs: 120_000 })));
        const states = finished.reduce<Record<string, number>>((acc, t) => ((acc[t.state] = (acc[t.state] ?? 0) + 1), acc), {});
        const failures = await tasker.db.query<{ results: unknown }>(`SELECT results FROM workflow_steps WHERE state <> 'complete' LIMIT 3`);
        expect({ states, failures }).toEqual({ states: { complete: 300 }, failures: [] });
        expect(executions.size).toBe(300);
        expect([...executions.values()].filter((n) => n !== 1)).toEqual([]);
        const aborted = await tasker.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM workflow_step_transitions WHERE metadata::text LIKE '%lease%'`,
        );
        expect(aborted[0].n).toBe(0);
      } finally {
        await stopTasker(tasker);
      }
    }, 180_000);
  }
});
