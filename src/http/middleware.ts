import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HttpError } from './responses.ts';

/** One problem reported by a Standard Schema validator (valibot implements the interface). */
export interface Issue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }>;
}

/** The problems a validator found, one entry per issue, as `{path, message}` (path `a.b.0`, or `(root)`). */
export function violations(issues: readonly Issue[]): Array<{ path: string; message: string }> {
  return issues.map((issue) => {
    const keys = (issue.path ?? []).map((p) => (typeof p === 'object' && p !== null ? p.key : p));
    return { path: keys.length ? keys.map(String).join('.') : '(root)', message: issue.message };
  });
}

/** The 400 listing every problem of `what` (a body, a query). */
export function invalid(what: string, issues: readonly Issue[]): HttpError {
  const list = violations(issues);
  return new HttpError('BAD_REQUEST', `invalid ${what}: ${list.map((p) => `${p.path}: ${p.message}`).join('; ')}`, { details: { violations: list } });
}

/** A validator hook (hono-openapi / @hono/standard-validator) that turns a failed validation into {@link invalid}. */
export function rejectInvalid(what: string) {
  return (result: { success: true } | { success: false; error: readonly Issue[] }): void => {
    if (!result.success) throw invalid(what, result.error);
  };
}

function isJsonContentType(value: string | undefined): boolean {
  if (!value) return false;
  const type = value.split(';')[0].trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/**
 * A JSON request body, checked before the validator reads it: 413 beyond `limit` bytes (hono's body limit,
 * by Content-Length or while streaming), 415 unless the content type is JSON, 400 for an empty or
 * malformed document. The text stays in hono's body cache, so the validator parses it without re-reading.
 */
export function jsonBody(limit: () => number): MiddlewareHandler {
  return async (c, next) => {
    const max = limit();
    const limited = bodyLimit({
      maxSize: max,
      onError: () => {
        throw new HttpError('PAYLOAD_TOO_LARGE', `request body exceeds the limit of ${max} bytes`, { details: { max_body_bytes: max } });
      },
    });
    return limited(c, async () => {
      const type = c.req.header('content-type');
      if (!isJsonContentType(type)) {
        throw new HttpError('UNSUPPORTED_MEDIA_TYPE', `request body must be JSON (Content-Type: application/json), got ${JSON.stringify(type ?? '')}`);
      }
      const text = await c.req.text();
      if (!text.trim()) throw new HttpError('BAD_REQUEST', 'request body is empty; expected a JSON document');
      try {
        JSON.parse(text);
      } catch (err) {
        throw new HttpError('BAD_REQUEST', `request body is not valid JSON: ${(err as Error).message}`);
      }
      await next();
    });
  };
}

/** Refuses a path with a malformed percent-encoding (hono would pass the raw segment on as the parameter). */
export const wellFormedPath: MiddlewareHandler = async (c, next) => {
  const path = new URL(c.req.url).pathname;
  for (const segment of path.split('/')) {
    try {
      decodeURIComponent(segment);
    } catch {
      throw new HttpError('BAD_REQUEST', `malformed percent-encoding in path segment ${JSON.stringify(segment)}`);
    }
  }
  await next();
};

/** A decoded path parameter (hono decodes them). */
export function param(c: Context, name: string): string {
  return c.req.param(name) ?? '';
}
