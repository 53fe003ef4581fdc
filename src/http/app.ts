import type { TaskerConfig } from '../config/schema.ts';
import type { Tasker } from '../engine/index.ts';
import { silentLogger, type Logger } from '../logging.ts';
import { TemplateStore } from '../templates/store.ts';
import type { Runtime } from '../runtime/types.ts';
import { createApiKeyCheck } from './auth.ts';
import { createBaseApp } from './base-app.ts';
import type { HttpContext } from './context.ts';
import { createMetricsState } from './metrics-state.ts';
import { openApiHandler } from './openapi.ts';
import { addDlqRoutes } from './routes/dlq.ts';
import { addEventRoutes } from './routes/events.ts';
import { addScheduleRoutes } from './routes/schedules.ts';
import { addHealthRoutes } from './routes/health.ts';
import { addMetricsRoutes } from './routes/metrics.ts';
import { addStepRoutes } from './routes/steps.ts';
import { addTaskRoutes } from './routes/tasks.ts';
import { addTemplateRoutes } from './routes/templates.ts';
import { addUiRoutes } from '../web/routes.ts';

/** Options of {@link createHttpApp}. */
export interface HttpAppOptions {
  tasker: Tasker;
  /** Defaults to the engine's config; `[web]` supplies the body limit and the API key. */
  config?: TaskerConfig;
  runtime?: Runtime;
  logger?: Logger;
  /** Whether the engine's roles are running (readiness); default: the engine is started and hosts a role or was told to host none. */
  rolesStarted?: () => boolean;
  /** A queue whose oldest visible message is older than this many seconds is starved (default 60). */
  starvationSeconds?: number;
  /** The version reported by `/openapi.json`. */
  version?: string;
}

/** The fetch function of the HTTP API, plus its routes (for tooling and the OpenAPI sync test). */
export type HttpApp = ((request: Request) => Promise<Response>) & { readonly routes: ReadonlyArray<{ method: string; pattern: string }> };

function defaultRolesStarted(tasker: Tasker): () => boolean {
  return () => {
    try {
      void tasker.db;
    } catch {
      return false;
    }
    const wantsRoles = tasker.config.orchestration.enabled || tasker.config.worker.enabled;
    return !wantsRoles || tasker.orchestrator !== null || tasker.worker !== null;
  };
}

/**
 * Creates the HTTP API (DESIGN §10) as a pure `fetch(Request) → Response` function: REST under `/v1`
 * and `/health/detailed` (behind the optional API key), health probes, Prometheus metrics and the OpenAPI document.
 */
export function createHttpApp(options: HttpAppOptions): HttpApp {
  const config = options.config ?? options.tasker.config;
  const logger = options.logger ?? silentLogger;
  const ctx: HttpContext = {
    tasker: options.tasker,
    config,
    runtime: options.runtime,
    logger,
    templates: new TemplateStore({ latestTtlMs: 0 }),
    metrics: createMetricsState(),
    rolesStarted: options.rolesStarted ?? defaultRolesStarted(options.tasker),
    starvationSeconds: options.starvationSeconds ?? 60,
    startedAt: new Date(),
  };
  const checkApiKey = createApiKeyCheck(config.web.auth.api_key);
  const app = createBaseApp({ logger, checkApiKey });

  addTaskRoutes(app, ctx);
  addStepRoutes(app, ctx);
  addTemplateRoutes(app, ctx);
  addDlqRoutes(app, ctx);
  addEventRoutes(app, ctx);
  addScheduleRoutes(app, ctx);
  addHealthRoutes(app, ctx);
  addMetricsRoutes(app, ctx);
  if (config.web.ui) addUiRoutes(app, ctx);
  app.get('/openapi.json', openApiHandler(app, options.version ?? '0.1.0'));

  // hono lists one entry per handler of a route (its describer, validators, handler): one per method and path here
  const routes = [...new Map(app.routes.filter((r) => r.method !== 'ALL').map((r) => [`${r.method} ${r.path}`, { method: r.method, pattern: r.path }])).values()];
  const fetch = async (request: Request): Promise<Response> => app.fetch(request);
  return Object.assign(fetch, { routes });
}
