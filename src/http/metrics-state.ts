import type { Worker } from '../worker/worker.ts';
import { DURATION_BUCKETS, Histogram } from './prometheus.ts';

/** Process-local metric state of the HTTP app, kept across scrapes. */
export interface MetricsState {
  /** Tasks created through this server, by namespace. */
  tasksCreated: Map<string, number>;
  /** Step execution durations in seconds, by namespace and outcome. */
  durations: Histogram;
}

/** Fresh metric state. */
export function createMetricsState(): MetricsState {
  return { tasksCreated: new Map(), durations: new Histogram(DURATION_BUCKETS) };
}

/**
 * Moves the worker's pending duration samples into the cumulative histogram. The worker keeps samples only
 * until they are read, so this app is their one consumer.
 */
export function drainDurations(state: MetricsState, worker: Worker | null): void {
  if (!worker) return;
  const samples = worker.stats.durations.splice(0);
  for (const s of samples) state.durations.observe({ namespace: s.namespace, outcome: s.success ? 'success' : 'failure' }, s.ms / 1000);
}
