import { createHash, timingSafeEqual } from 'node:crypto';
import { HttpError } from './responses.ts';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Whether a path needs the API key (when one is configured): the REST API under `/v1`, the dashboard's
 * data under `/ui/api`, and `/health/detailed`, which names queues and reports worker statistics. The
 * probes `/health`, `/health/live` and `/health/ready`, `/metrics`, `/openapi.json` and the dashboard's
 * static page and assets (no data; the page asks for the key) stay open.
 */
export function requiresApiKey(pathname: string): boolean {
  const path = pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
  return path === '/v1' || path.startsWith('/v1/') || path === '/ui/api' || path.startsWith('/ui/api/') || path === '/health/detailed';
}

/** The key a request presents: `X-API-Key`, else `Authorization: Bearer <key>`. */
export function presentedKey(request: Request): string | null {
  const header = request.headers.get('x-api-key');
  if (header) return header.trim();
  const auth = request.headers.get('authorization');
  const match = auth ? /^bearer\s+(.+)$/i.exec(auth.trim()) : null;
  return match ? match[1].trim() : null;
}

/**
 * A checker for `[web] auth.api_key` (empty = auth off). Both sides are hashed to equal-length digests
 * and compared with `timingSafeEqual`, so neither the key's content nor its length leaks through timing.
 */
export function createApiKeyCheck(apiKey: string): (request: Request) => void {
  if (!apiKey) return () => {};
  const expected = digest(apiKey);
  return (request) => {
    const key = presentedKey(request);
    if (key === null) {
      throw new HttpError('UNAUTHORIZED', 'an API key is required: send X-API-Key: <key> or Authorization: Bearer <key>', {
        headers: { 'www-authenticate': 'Bearer realm="tasker"' },
      });
    }
    if (!timingSafeEqual(digest(key), expected)) {
      throw new HttpError('UNAUTHORIZED', 'the API key is not valid', { headers: { 'www-authenticate': 'Bearer realm="tasker", error="invalid_token"' } });
    }
  };
}
