import type { HttpContext } from '../context.ts';
import { HttpError, json } from '../responses.ts';
import type { Router } from '../router.ts';
import { migrationStatus } from '../../db/migrate.ts';
import { oldestVisibleAges } from '../../queue/index.ts';
import { pingDatabase, queueDepths } from '../observability-queries.ts';

const PROBE_TIMEOUT_MS = 2000;

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const reason = (err: unknown) => (err instanceof Error ? err.message.split('\n')[0] : String(err));

interface Check {
  ok: boolean;
  [key: string]: unknown;
}

/** The readiness checks: database answers, schema migrated to this tasker's latest, roles started. */
async function readinessChecks(ctx: HttpContext): Promise<Record<string, Check>> {
  const checks: Record<string, Check> = {};
  try {
    const db = ctx.tasker.db;
    checks.database = { ok: true, latency_ms: await withTimeout(pingDatabase(db), 'the database') };
    const status = await withTimeout(migrationStatus(db), 'the database');
    checks.migrations = { ok: status.pending.length === 0 && status.current <= status.latest, current: status.current, latest: status.latest };
  } catch (err) {
    checks.database ??= { ok: false, error: reason(err) };
    checks.migrations ??= { ok: false, error: 'database not available' };
  }
  checks.roles = { ok: ctx.rolesStarted() };
  return checks;
}

const uptime = (ctx: HttpContext) => Math.round((Date.now() - ctx.startedAt.getTime()) / 1000);

/** `/health`, `/health/live`, `/health/ready` (open probes) and `/health/detailed` (behind the API key when one is set). */
export function addHealthRoutes(router: Router<HttpContext>): void {
  const live = (ctx: HttpContext) => json({ status: 'ok', uptime_seconds: uptime(ctx) });
  router.add('GET', '/health', live);
  router.add('GET', '/health/live', live);

  router.add('GET', '/health/ready', async (ctx) => {
    const checks = await readinessChecks(ctx);
    if (Object.values(checks).every((c) => c.ok)) return json({ status: 'ready', checks });
    const failing = Object.keys(checks).filter((k) => !checks[k].ok);
    throw new HttpError('SERVICE_UNAVAILABLE', `not ready: ${failing.join(', ')}`, { details: { checks } });
  });

  router.add('GET', '/health/detailed', async (ctx) => {
    const checks = await readinessChecks(ctx);
    let queues: unknown[] = [];
    if (checks.database.ok) {
      try {
        const [depths, visibleAges] = await withTimeout(Promise.all([queueDepths(ctx.tasker.db), oldestVisibleAges(ctx.tasker.db)]), 'the database');
        queues = depths.map((m) => {
          const oldestVisible = visibleAges.get(m.queueName) ?? null;
          return {
            name: m.queueName,
            depth: m.queueLength,
            visible: m.visibleLength,
            oldest_message_age_seconds: m.oldestMsgAgeSeconds,
            oldest_visible_age_seconds: oldestVisible,
            starved: oldestVisible !== null && oldestVisible > ctx.starvationSeconds,
            total_sent: m.totalMessages,
          };
        });
      } catch (err) {
        checks.queues = { ok: false, error: reason(err) };
      }
    }
    const worker = ctx.tasker.worker;
    const orchestrator = ctx.tasker.orchestrator;
    const healthy = Object.values(checks).every((c) => c.ok);
    const body = {
      status: healthy ? 'healthy' : checks.database.ok ? 'degraded' : 'unhealthy',
      uptime_seconds: uptime(ctx),
      runtime: ctx.runtime ? { name: ctx.runtime.name, version: ctx.runtime.version } : null,
      checks,
      queues,
      worker: worker
        ? {
            id: ctx.tasker.workerId,
            namespaces: ctx.tasker.namespaces,
            in_flight: worker.stats.inFlight,
            claimed: worker.stats.claimed,
            succeeded: worker.stats.succeeded,
            failed: worker.stats.failed,
            lost_leases: worker.stats.lostLeases,
          }
        : null,
      orchestrator: orchestrator
        ? {
            results_processed: orchestrator.stats.resultsProcessed,
            steps_enqueued: orchestrator.stats.stepsEnqueued,
            steps_completed: orchestrator.stats.stepsCompleted,
            steps_failed: orchestrator.stats.stepsFailed,
            steps_retried: orchestrator.stats.stepsRetried,
            tasks_completed: orchestrator.stats.tasksCompleted,
            tasks_failed: orchestrator.stats.tasksFailed,
            sweeps: orchestrator.stats.sweeps,
            last_sweep_at: orchestrator.stats.lastSweepAt,
          }
        : null,
    };
    return json(body, checks.database.ok ? 200 : 503);
  });
}
