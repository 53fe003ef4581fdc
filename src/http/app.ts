import type { TaskerConfig } from '../config/schema.ts';
import type { Tasker } from '../engine/index.ts';
import { silentLogger, type Logger } from '../logging.ts';
import { TemplateStore } from '../templates/store.ts';
import type { Runtime } from '../runtime/types.ts';
import { createApiKeyCheck, requiresApiKey } from './auth.ts';
import type { HttpContext } from './context.ts';
import { createMetricsState } from './metrics-state.ts';
import { openApiDocument } from './openapi.ts';
import { errorResponse, json, toHttpError } from './responses.ts';
import { Router } from './router.ts';
import { addDlqRoutes } from './routes/dlq.ts';
import { addEventRoutes } from './routes/events.ts';
import { addHealthRoutes } from './routes/health.ts';
import { addMetricsRoutes } from './routes/metrics.ts';
import { addStepRoutes } from './routes/steps.ts';
import { addTaskRoutes } from './routes/tasks.ts';
import { addTemplateRoutes } from './routes/templates.ts';

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

/** The fetch function of the HTTP API, plus its router (for tooling and the OpenAPI sync test). */
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

/** Builds the router with every route of the API. */
function buildRouter(version: string): Router<HttpContext> {
  const router = new Router<HttpContext>();
  addTaskRoutes(router);
  addStepRoutes(router);
  addTemplateRoutes(router);
  addDlqRoutes(router);
  addEventRoutes(router);
  addHealthRoutes(router);
  addMetricsRoutes(router);
  const document = openApiDocument(version);
  router.add('GET', '/openapi.json', () => json(document));
  return router;
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
  const router = buildRouter(options.version ?? '0.1.0');
  const checkApiKey = createApiKeyCheck(config.web.auth.api_key);

  const app = async (request: Request): Promise<Response> => {
    const started = performance.now();
    let url: URL | null = null;
    let response: Response;
    try {
      url = new URL(request.url);
      if (requiresApiKey(url.pathname)) checkApiKey(request);
      response = await router.handle(ctx, request, url);
    } catch (err) {
      const httpError = toHttpError(err);
      if (httpError.status >= 500) {
        logger.error('HTTP request failed', { method: request.method, path: url?.pathname, error: err instanceof Error ? err.message : String(err) });
      }
      response = errorResponse(httpError);
    }
    logger.debug('HTTP request', { method: request.method, path: url?.pathname, status: response.status, ms: Math.round(performance.now() - started) });
    if (request.method === 'HEAD') return new Response(null, { status: response.status, headers: response.headers });
    return response;
  };
  return Object.assign(app, { routes: router.routes });
}
