import type { HttpContext } from '../context.ts';
import type { Hono } from 'hono';
import { drainDurations } from '../metrics-state.ts';
import { oldestVisibleAges } from '../../queue/index.ts';
import { namespaceCounts, queueDepths, type NamespaceCounts } from '../observability-queries.ts';
import { PROMETHEUS_CONTENT_TYPE, renderMetrics, type MetricFamily, type Sample } from '../prometheus.ts';
import type { QueueMetrics } from '../../queue/types.ts';

const counter = (name: string, help: string, samples: Sample[]): MetricFamily => ({ name: `tasker_${name}`, type: 'counter', help, samples });
const gauge = (name: string, help: string, samples: Sample[]): MetricFamily => ({ name: `tasker_${name}`, type: 'gauge', help, samples });
const one = (value: number): Sample[] => [{ value }];

interface DbFacts {
  queues: QueueMetrics[];
  visibleAges: Map<string, number>;
  counts: NamespaceCounts[];
}

async function readDbFacts(ctx: HttpContext): Promise<DbFacts | null> {
  try {
    const db = ctx.tasker.db;
    const [queues, visibleAges, counts] = await Promise.all([queueDepths(db), oldestVisibleAges(db), namespaceCounts(db)]);
    return { queues, visibleAges, counts };
  } catch (err) {
    ctx.logger.warn('metrics: reading the database failed', { error: (err as Error).message });
    return null;
  }
}

/** Every metric family: this process's counters and histogram, plus gauges read from the database. */
export async function collectMetrics(ctx: HttpContext): Promise<MetricFamily[]> {
  const o = ctx.tasker.orchestrator?.stats;
  const w = ctx.tasker.worker?.stats;
  drainDurations(ctx.metrics, ctx.tasker.worker);
  const facts = await readDbFacts(ctx);
  const byNamespace = (key: keyof Omit<NamespaceCounts, 'namespace'>): Sample[] =>
    (facts?.counts ?? []).map((c) => ({ labels: { namespace: c.namespace }, value: c[key] }));
  const byQueue = (value: (q: QueueMetrics) => number): Sample[] => (facts?.queues ?? []).map((q) => ({ labels: { queue: q.queueName }, value: value(q) }));
  const visibleAge = (q: QueueMetrics) => facts?.visibleAges.get(q.queueName) ?? 0;

  return [
    gauge('database_up', 'Whether the last metrics read from the database succeeded (1) or not (0).', one(facts ? 1 : 0)),
    counter('tasks_created_total', 'Tasks created through this HTTP server.', [...ctx.metrics.tasksCreated].map(([namespace, value]) => ({ labels: { namespace }, value }))),
    counter('tasks_completed_total', "Tasks this process's orchestrator finalized as complete.", one(o?.tasksCompleted ?? 0)),
    counter('tasks_failed_total', "Tasks this process's orchestrator finalized as error.", one(o?.tasksFailed ?? 0)),
    counter('steps_enqueued_total', "Steps this process's orchestrator enqueued (including task creation here).", one(o?.stepsEnqueued ?? 0)),
    counter('steps_claimed_total', "Steps this process's worker claimed.", one(w?.claimed ?? 0)),
    counter('steps_succeeded_total', "Step executions that succeeded in this process's worker.", one(w?.succeeded ?? 0)),
    counter('steps_failed_total', "Step executions that failed in this process's worker.", one(w?.failed ?? 0)),
    counter('steps_retried_total', "Failed steps this process's orchestrator scheduled for a retry.", one(o?.stepsRetried ?? 0)),
    counter('step_leases_lost_total', "Completions this process's worker dropped because its lease was lost.", one(w?.lostLeases ?? 0)),
    {
      name: 'tasker_step_execution_duration_seconds',
      type: 'histogram',
      help: "Handler execution time of steps run by this process's worker.",
      samples: ctx.metrics.durations.samples(),
    },
    gauge('handlers_in_flight', "Step handlers running in this process's worker now.", one(w?.inFlight ?? 0)),
    gauge('queue_depth', 'Messages in the queue (visible and invisible).', byQueue((q) => q.queueLength)),
    gauge('queue_visible_depth', 'Messages in the queue that a reader could take now.', byQueue((q) => q.visibleLength)),
    gauge('queue_oldest_visible_age_seconds', 'Age of the oldest message a reader could take now (0 when none).', byQueue(visibleAge)),
    gauge('starvation_detected', `1 when the queue's oldest visible message is older than ${ctx.starvationSeconds} s (nobody is reading it).`, byQueue((q) => (visibleAge(q) > ctx.starvationSeconds ? 1 : 0))),
    gauge('pending_count', 'Steps of active tasks waiting to run (pending, enqueued, waiting_for_retry).', byNamespace('pending')),
    gauge('in_flight_count', 'Steps of active tasks running or awaiting result processing.', byNamespace('in_flight')),
    gauge('completed_count', 'Tasks that completed (complete or resolved_manually).', byNamespace('completed')),
    gauge('failed_count', 'Tasks that ended in error.', byNamespace('failed')),
    ...domainEventFamilies(ctx),
    gauge('orchestrator_last_sweep_timestamp_seconds', "Unix time of this process's last sweep (0 if none).", one(o?.lastSweepAt ? o.lastSweepAt.getTime() / 1000 : 0)),
  ];
}

/** Domain event counters of this process (issue 15). */
function domainEventFamilies(ctx: HttpContext): MetricFamily[] {
  const e = ctx.tasker.events?.stats;
  return [
    counter('domain_events_published_total', 'Domain events this process published after their step result was committed, by mode (broadcast counts once in each).', [
      { labels: { mode: 'durable' }, value: e?.publishedDurable ?? 0 },
      { labels: { mode: 'fast' }, value: e?.publishedFast ?? 0 },
    ]),
    counter('domain_events_delivered_total', 'Durable domain event deliveries this process handled successfully.', one(e?.delivered ?? 0)),
    counter('domain_events_failed_total', 'Domain event failures in this process: subscriber errors (each attempt), dead-lettered deliveries, payloads failing their schema, fast handlers that threw.', [
      { labels: { reason: 'subscriber_error' }, value: e?.failed ?? 0 },
      { labels: { reason: 'dead_lettered' }, value: e?.deadLettered ?? 0 },
      { labels: { reason: 'schema_invalid' }, value: e?.schemaInvalid ?? 0 },
      { labels: { reason: 'fast_handler_error' }, value: e?.fastFailed ?? 0 },
    ]),
  ];
}

/** `GET /metrics` in the Prometheus text exposition format. */
export function addMetricsRoutes(app: Hono, ctx: HttpContext): void {
  app.get('/metrics', async () => {
    return new Response(renderMetrics(await collectMetrics(ctx)), { headers: { 'content-type': PROMETHEUS_CONTENT_TYPE } });
  });
}
