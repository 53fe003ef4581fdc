import { HttpError } from './responses.ts';

/** HTTP methods the router dispatches. */
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a route handler receives besides the shared context. */
export interface RouteMatch {
  request: Request;
  url: URL;
  /** Decoded path parameters named by `:name` segments. */
  params: Record<string, string>;
}

/** A route handler. */
export type RouteHandler<C> = (ctx: C, match: RouteMatch) => Promise<Response> | Response;

/** A registered route (pattern uses `:name` segments, e.g. `/v1/tasks/:task_uuid`). */
export interface Route<C> {
  method: Method;
  pattern: string;
  handler: RouteHandler<C>;
}

interface Compiled<C> extends Route<C> {
  segments: string[];
}

/** Splits a path into segments, ignoring one trailing slash. */
function split(path: string): string[] {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed.split('/').slice(1);
}

function matchSegments(pattern: string[], path: string[]): Record<string, string> | null {
  if (pattern.length !== path.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    if (p.startsWith(':')) {
      if (!path[i]) return null;
      try {
        params[p.slice(1)] = decodeURIComponent(path[i]);
      } catch {
        throw new HttpError('BAD_REQUEST', `malformed percent-encoding in path segment ${JSON.stringify(path[i])}`);
      }
    } else if (p !== path[i]) {
      return null;
    }
  }
  return params;
}

/** A small method + path-pattern router: unknown paths are 404, known paths with another method 405 + Allow. */
export class Router<C> {
  readonly #routes: Compiled<C>[] = [];

  /** Registers a route. */
  add(method: Method, pattern: string, handler: RouteHandler<C>): this {
    this.#routes.push({ method, pattern, handler, segments: split(pattern) });
    return this;
  }

  /** Every registered route (method and pattern), in registration order. */
  get routes(): ReadonlyArray<Pick<Route<C>, 'method' | 'pattern'>> {
    return this.#routes.map(({ method, pattern }) => ({ method, pattern }));
  }

  /** Dispatches a request to its route. */
  async handle(ctx: C, request: Request, url: URL): Promise<Response> {
    const path = split(url.pathname);
    const allowed = new Set<string>();
    for (const route of this.#routes) {
      const params = matchSegments(route.segments, path);
      if (!params) continue;
      const method = request.method === 'HEAD' ? 'GET' : request.method;
      if (route.method === method) return route.handler(ctx, { request, url, params });
      allowed.add(route.method);
    }
    if (allowed.size) {
      if (allowed.has('GET')) allowed.add('HEAD');
      const allow = [...allowed].join(', ');
      throw new HttpError('METHOD_NOT_ALLOWED', `${request.method} is not allowed on ${url.pathname}; allowed: ${allow}`, { headers: { allow } });
    }
    throw new HttpError('NOT_FOUND', `no route for ${request.method} ${url.pathname}`);
  }
}
