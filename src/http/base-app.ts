import { Hono } from 'hono';
import { methodNotAllowed } from 'hono/method-not-allowed';
import type { Logger } from '../logging.ts';
import { requiresApiKey } from './auth.ts';
import { wellFormedPath } from './middleware.ts';
import { errorResponse, HttpError, toHttpError } from './responses.ts';

/**
 * A hono app with tasker's HTTP conventions and no routes yet: every error in the envelope
 * (`{"error": {code, message, details?}}`, 500s logged and opaque), 404 for an unknown path, 405 + Allow
 * for a known path with another method, the API key checked before routing and before any body is read,
 * an optional trailing slash, and a debug log line per request (method, path, status, ms; never headers).
 */
export function createBaseApp(options: { logger: Logger; checkApiKey: (request: Request) => void }): Hono {
  const { logger, checkApiKey } = options;
  const app = new Hono({ strict: false });
  app.onError((err, c) => {
    const httpError = toHttpError(err);
    if (httpError.status >= 500) {
      logger.error('HTTP request failed', { method: c.req.method, path: c.req.path, error: err instanceof Error ? err.message : String(err) });
    }
    return errorResponse(httpError);
  });
  app.notFound((c) => errorResponse(new HttpError('NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`)));
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    logger.debug('HTTP request', { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) });
  });
  app.use(async (c, next) => {
    if (requiresApiKey(c.req.path)) checkApiKey(c.req.raw);
    await next();
  });
  app.use(
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) => {
        const allow = methods.join(', ');
        return errorResponse(new HttpError('METHOD_NOT_ALLOWED', `${c.req.method} is not allowed on ${c.req.path}; allowed: ${allow}`, { headers: { allow } }));
      },
    }),
  );
  app.use(wellFormedPath);
  return app;
}
