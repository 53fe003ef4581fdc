import { describe, expect, it } from 'vitest';
import { TASK_TRANSITIONS, canTransitionStep, canTransitionTask, taskStatesAllowing } from '../../src/orchestration/state-machine.ts';
import { planTask, transitionPath } from '../../src/orchestration/state-machine.ts';
import { backoffSeconds, retryAfterFromResult } from '../../src/orchestration/backoff.ts';
import { uuidv7 } from '../../src/orchestration/uuid.ts';
import { canonicalJson, identityHash } from '../../src/orchestration/task-creator.ts';
import { executionStatus, type TaskReadiness } from '../../src/orchestration/readiness.ts';
import type { TaskTemplate } from '../../src/templates/types.ts';

const defaults = { base_seconds: 1, multiplier: 2, max_seconds: 3600, jitter_percent: 15 };
const readiness = (over: Partial<TaskReadiness>): TaskReadiness => ({
  taskUuid: 't', total: 4, done: 0, inProcess: 0, errors: 0, toleratedErrors: 0, waiting: 0, retryWaiting: 0, ready: [], nextRetryAt: null, ...over,
});

describe('state machines', () => {
  it('allows exactly the moves of DESIGN §6.2 and §6.3', () => {
    expect(canTransitionTask('pending', 'initializing')).toBe(true);
    expect(canTransitionTask('pending', 'complete')).toBe(false);
    expect(canTransitionTask('error', 'pending')).toBe(true);
    expect(canTransitionTask('complete', 'pending')).toBe(false);
    expect(canTransitionStep('enqueued', 'in_progress')).toBe(true);
    expect(canTransitionStep('in_progress', 'in_progress')).toBe(true);
    expect(canTransitionStep('complete', 'in_progress')).toBe(false);
    expect(canTransitionStep('enqueued_as_error_for_orchestration', 'waiting_for_retry')).toBe(true);
  });

  it('lets every non-terminal task state be cancelled and nothing leave resolved_manually', () => {
    for (const [from, tos] of Object.entries(TASK_TRANSITIONS)) {
      if (!['complete', 'error', 'cancelled', 'resolved_manually'].includes(from)) expect(tos).toContain('cancelled');
    }
    expect(TASK_TRANSITIONS.resolved_manually).toEqual([]);
    expect(taskStatesAllowing('cancelled')).not.toContain('complete');
  });

  it('finds the shortest path of allowed moves, never through cancellation', () => {
    expect(transitionPath('pending', 'enqueuing_steps')).toEqual(['initializing', 'enqueuing_steps']);
    expect(transitionPath('steps_in_process', 'complete')).toEqual(['evaluating_results', 'complete']);
    expect(transitionPath('waiting_for_dependencies', 'waiting_for_dependencies')).toEqual([]);
  });
});

describe('task planning from readiness', () => {
  it('enqueues a new round through enqueuing_steps', () => {
    expect(planTask('pending', readiness({ ready: ['a'], waiting: 4 }), true)).toEqual(['initializing', 'enqueuing_steps', 'steps_in_process']);
    expect(planTask('steps_in_process', readiness({ ready: ['b'], done: 1 }), true)).toEqual(['evaluating_results', 'enqueuing_steps', 'steps_in_process']);
  });

  it('completes when every step is done, and a task without steps at once', () => {
    expect(planTask('steps_in_process', readiness({ done: 4 }), false)).toEqual(['evaluating_results', 'complete']);
    expect(planTask('pending', undefined, false)).toEqual(['initializing', 'complete']);
  });

  it('fails through blocked_by_failures only once nothing is in flight', () => {
    expect(planTask('steps_in_process', readiness({ errors: 1, inProcess: 1 }), false)).toEqual([]);
    expect(planTask('steps_in_process', readiness({ errors: 1, done: 3 }), false)).toEqual(['evaluating_results', 'blocked_by_failures', 'error']);
  });

  it('waits for retry when only backing-off steps remain', () => {
    expect(planTask('steps_in_process', readiness({ retryWaiting: 1, waiting: 1, done: 3 }), false)).toEqual(['waiting_for_retry']);
  });

  it('orders execution status as DESIGN §6.5 says', () => {
    expect(executionStatus(readiness({ errors: 1, ready: ['x'] }))).toBe('blocked_by_failures');
    expect(executionStatus(readiness({ ready: ['x'], inProcess: 1 }))).toBe('has_ready_steps');
    expect(executionStatus(readiness({ inProcess: 1 }))).toBe('processing');
    expect(executionStatus(readiness({ done: 4 }))).toBe('all_complete');
    expect(executionStatus(readiness({ retryWaiting: 1, waiting: 1, done: 3 }))).toBe('waiting_for_dependencies');
  });
});

describe('retry backoff', () => {
  const policy = (backoff: 'exponential' | 'linear' | 'fibonacci' | 'none') => ({ retryable: true, maxAttempts: 5, backoff, backoffBaseMs: 1000, maxBackoffMs: 30_000 });
  const noJitter = () => 0.5;

  it('follows the template strategy without jitter at the midpoint', () => {
    expect([1, 2, 3, 4].map((a) => backoffSeconds(a, policy('exponential'), defaults, null, noJitter))).toEqual([1, 2, 4, 8]);
    expect([1, 2, 3].map((a) => backoffSeconds(a, policy('linear'), defaults, null, noJitter))).toEqual([1, 2, 3]);
    expect([1, 2, 3, 4, 5].map((a) => backoffSeconds(a, policy('fibonacci'), defaults, null, noJitter))).toEqual([1, 1, 2, 3, 5]);
    expect(backoffSeconds(3, policy('none'), defaults, null)).toBe(0);
  });

  it('caps at max_backoff_ms and keeps jitter within ±15 %', () => {
    expect(backoffSeconds(20, policy('exponential'), defaults, null, noJitter)).toBe(30);
    expect(backoffSeconds(3, policy('exponential'), defaults, null, () => 0)).toBeCloseTo(4 * 0.85);
    expect(backoffSeconds(3, policy('exponential'), defaults, null, () => 1)).toBeCloseTo(4 * 1.15);
  });

  it('lets Retry-After win, capped by the step maximum', () => {
    expect(backoffSeconds(1, policy('exponential'), defaults, 7)).toBe(7);
    expect(backoffSeconds(1, policy('exponential'), defaults, 999)).toBe(30);
    expect(retryAfterFromResult({ orchestration_metadata: { backoff_hint: { backoff_type: 'server_requested', delay_seconds: 12 } } })).toBe(12);
    expect(retryAfterFromResult({ orchestration_metadata: { headers: { 'retry-after': '5' } } })).toBe(5);
    expect(retryAfterFromResult({ success: false })).toBeNull();
  });

  it('uses [common.backoff] when the step has no policy', () => {
    expect(backoffSeconds(3, null, defaults, null, noJitter)).toBe(4);
  });
});

describe('identity and ids', () => {
  const template = { namespace: 'ns', name: 't', version: '1.0.0', identityStrategy: 'strict' } as TaskTemplate;

  it('hashes equal inputs equally whatever their key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}');
    expect(identityHash(template, { a: 1, b: 2 })).toBe(identityHash(template, { b: 2, a: 1 }));
    expect(identityHash(template, { a: 1 })).not.toBe(identityHash(template, { a: 2 }));
  });

  it('lets an idempotency key win, makes always_unique unique and caller_provided demand a key', () => {
    expect(identityHash(template, { a: 1 }, 'k')).toBe(identityHash(template, { a: 2 }, 'k'));
    const unique = { ...template, identityStrategy: 'always_unique' } as TaskTemplate;
    expect(identityHash(unique, { a: 1 })).not.toBe(identityHash(unique, { a: 1 }));
    expect(() => identityHash({ ...template, identityStrategy: 'caller_provided' } as TaskTemplate, {})).toThrow(/idempotency_key/);
  });

  it('makes time-ordered v7 uuids that sort in creation order within a millisecond', () => {
    const ids = Array.from({ length: 500 }, () => uuidv7(1_700_000_000_000));
    expect(ids.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(500);
  });
});
