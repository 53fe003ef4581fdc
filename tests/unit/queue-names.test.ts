import { describe, expect, it } from 'vitest';
import { isTaskerError } from '../../src/errors.ts';
import {
  notifyChannel,
  RESULTS_QUEUE,
  validateQueueName,
  workerQueueName,
} from '../../src/queue/names.ts';

function rejection(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('queue names', () => {
  it('accepts lowercase names with digits and underscores up to 47 characters', () => {
    for (const name of ['a', '_x', 'worker_payments_queue', 'q1_2', 'a'.repeat(47)]) {
      expect(validateQueueName(name)).toBe(name);
    }
  });

  it.each([
    ['', 'empty'],
    ['Upper', 'uppercase'],
    ['1queue', 'leading digit'],
    ['has-dash', 'dash'],
    ['has space', 'space'],
    ['q;drop table queues', 'sql'],
    ['é', 'non-ascii'],
    ['a'.repeat(48), 'too long'],
  ])('rejects %j (%s) with QUEUE_NAME_INVALID naming the value and the rule', (name) => {
    const err = rejection(() => validateQueueName(name));
    expect(isTaskerError(err, 'QUEUE_NAME_INVALID')).toBe(true);
    const message = (err as Error).message;
    expect(message).toContain(JSON.stringify(name));
    expect(message).toContain('^[a-z_][a-z0-9_]*$');
    expect(message).toContain('47');
  });

  it('derives worker queue names from lowercased namespaces', () => {
    expect(workerQueueName('Payments')).toBe('worker_payments_queue');
    expect(workerQueueName('default')).toBe('worker_default_queue');
  });

  it('rejects worker queue names built from invalid or overlong namespaces', () => {
    expect(isTaskerError(rejection(() => workerQueueName('bad-namespace')), 'QUEUE_NAME_INVALID')).toBe(true);
    expect(isTaskerError(rejection(() => workerQueueName('n'.repeat(35))), 'QUEUE_NAME_INVALID')).toBe(true);
    expect(workerQueueName('n'.repeat(34))).toHaveLength(47);
  });

  it('names the orchestration queues and per-queue notify channels', () => {
    expect(RESULTS_QUEUE).toBe('orchestration_step_results');
    expect(notifyChannel('worker_x_queue')).toBe('tq_worker_x_queue');
    expect(isTaskerError(rejection(() => notifyChannel('Nope')), 'QUEUE_NAME_INVALID')).toBe(true);
  });
});
