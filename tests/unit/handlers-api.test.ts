import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRuntime, type ServerHandle } from '../../src/runtime/index.ts';
import {
  ApiHandler,
  ApiResponse,
  StepHandlerResult,
  classifyHttpStatus,
  createStepContext,
  defineApiHandler,
  parseRetryAfter,
  type StepContext,
} from '../../src/handlers/index.ts';
import { executeHandler } from '../../src/worker/handler-executor.ts';

let server: ServerHandle;
let releaseSlow: () => void = () => {};
const slowGate = new Promise<void>((resolve) => {
  releaseSlow = resolve;
});
const seen: Array<{ method: string; path: string; body: string; contentType: string | null }> = [];

async function app(req: Request): Promise<Response> {
  const url = new URL(req.url);
  seen.push({ method: req.method, path: url.pathname + url.search, body: await req.text(), contentType: req.headers.get('content-type') });
  const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
  if (url.pathname === '/resources/7') return json({ id: 7, name: 'widget' });
  if (url.pathname === '/text') return new Response('plain words', { status: 200 });
  if (url.pathname === '/slow') {
    await slowGate;
    return json({ late: true });
  }
  const status = /^\/status\/(\d+)$/.exec(url.pathname);
  if (status) {
    const code = Number(status[1]);
    const headers: Record<string, string> = code === 429 || code === 503 ? { 'retry-after': code === 429 ? '7' : '120' } : {};
    return json({ error: `failure ${code}` }, code, headers);
  }
  return json({ message: 'no such route' }, 404);
}

class Client extends ApiHandler {
  static override handlerName = 'client';
  static override defaultTimeout = 5000;
  static override defaultHeaders = { 'x-api-key': 'k' };
  async call(ctx: StepContext): Promise<StepHandlerResult> {
    try {
      const response = await this.get(ctx.getInput<string>('path')!);
      return response.ok ? this.apiSuccess(response) : this.apiFailure(response);
    } catch (err) {
      return this.requestError(err, 'fetching');
    }
  }
}

class QuickClient extends Client {
  static override handlerName = 'quick_client';
  static override defaultTimeout = 100;
}

const run = (cls: typeof Client, path: string) => executeHandler(new cls(), createStepContext({ inputData: { path } }));

beforeAll(async () => {
  server = await (await getRuntime()).serve(app, { hostname: '127.0.0.1', port: 0 });
  Client.baseUrl = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  releaseSlow();
  await server.close();
});

describe('ApiHandler against a real HTTP server', () => {
  it('returns the JSON body as the result with status and headers in metadata', async () => {
    const r = await run(Client, '/resources/7');
    expect(r.success).toBe(true);
    expect(r.result).toEqual({ id: 7, name: 'widget' });
    expect(r.metadata).toMatchObject({ status_code: 200, headers: { 'content-type': 'application/json' } });
    expect(seen.at(-1)).toMatchObject({ method: 'GET', path: '/resources/7' });
  });

  it('wraps a non-object body as {data}', async () => {
    expect((await run(Client, '/text')).result).toEqual({ data: 'plain words' });
  });

  const table: Array<[number, string, boolean]> = [
    [400, 'bad_request', false],
    [401, 'unauthorized', false],
    [403, 'forbidden', false],
    [404, 'not_found', false],
    [405, 'method_not_allowed', false],
    [408, 'request_timeout', true],
    [409, 'conflict', false],
    [410, 'gone', false],
    [418, 'client_error', false],
    [422, 'unprocessable_entity', false],
    [429, 'rate_limited', true],
    [500, 'internal_server_error', true],
    [501, 'server_error', false],
    [502, 'bad_gateway', true],
    [503, 'service_unavailable', true],
    [504, 'gateway_timeout', true],
  ];
  it.each(table)('classifies HTTP %i as %s (retryable: %s)', async (status, errorType, retryable) => {
    const r = await run(Client, `/status/${status}`);
    expect(r.toJSON()).toMatchObject({
      success: false,
      error_type: errorType,
      retryable,
      error_message: `HTTP ${status}: failure ${status}`,
      metadata: { status_code: status, response_body: { error: `failure ${status}` } },
    });
    expect(classifyHttpStatus(status)).toEqual({ errorType, retryable });
  });

  it('carries 429 Retry-After into the backoff hint and headers of the orchestration metadata', async () => {
    const r = await run(Client, '/status/429');
    expect(r.metadata.retry_after_seconds).toBe(7);
    expect(r.orchestrationMetadata).toEqual({
      headers: { 'retry-after': '7' },
      errorContext: { status_code: 429, error_type: 'rate_limited' },
      backoffHint: { type: 'server_requested', delaySeconds: 7 },
    });
    expect(r.toJSON().orchestration_metadata).toMatchObject({ backoff_hint: { backoff_type: 'server_requested', delay_seconds: 7 } });
  });

  it('503 is retryable and honours its Retry-After; 404 has no backoff hint', async () => {
    const unavailable = await run(Client, '/status/503');
    expect(unavailable.retryable).toBe(true);
    expect(unavailable.orchestrationMetadata?.backoffHint?.delaySeconds).toBe(120);
    const missing = await run(Client, '/status/404');
    expect(missing.retryable).toBe(false);
    expect(missing.orchestrationMetadata?.backoffHint).toBeUndefined();
  });

  it('turns a request exceeding the timeout into a retryable timeout failure', async () => {
    const r = await run(QuickClient, '/slow');
    expect(r.toJSON()).toMatchObject({ success: false, error_type: 'timeout', retryable: true });
    expect(r.errorMessage).toMatch(/^Request timeout while fetching: request exceeded 100 ms/);
  });

  it('turns a refused connection into a retryable connection_error', async () => {
    const closed = await (await getRuntime()).serve(app, { hostname: '127.0.0.1', port: 0 });
    const port = closed.port;
    await closed.close();
    class Refused extends Client {
      static override baseUrl = `http://127.0.0.1:${port}`;
    }
    const r = await run(Refused, '/resources/7');
    expect(r.toJSON()).toMatchObject({ success: false, error_type: 'connection_error', retryable: true });
    expect(r.errorMessage).toMatch(/^Connection error while fetching/);
  });

  it('sends default headers, JSON bodies and query parameters', async () => {
    class Poster extends ApiHandler {
      static override handlerName = 'poster';
      async call(): Promise<StepHandlerResult> {
        await this.post('/echo', { body: { a: 1 } });
        await this.get('/echo', { q: 'x y', skip: undefined });
        return this.success({});
      }
    }
    Poster.baseUrl = Client.baseUrl;
    await new Poster().call();
    const [post, get] = seen.slice(-2);
    expect(post).toMatchObject({ method: 'POST', path: '/echo', body: '{"a":1}', contentType: 'application/json' });
    expect(get).toMatchObject({ method: 'GET', path: '/echo?q=x+y' });
  });

  it('defineApiHandler passes the handler as `api` and applies its baseUrl', async () => {
    const Fetch = defineApiHandler('fetch_fn', { baseUrl: Client.baseUrl, inputs: ['id'] }, async ({ api, id }) => {
      const response = await api.get(`/resources/${id}`);
      return response.ok ? api.apiSuccess(response, { fetched: (response.body as { name: string }).name }) : api.apiFailure(response);
    });
    const r = await executeHandler(new Fetch(), createStepContext({ inputData: { id: 7 } }));
    expect(r.result).toEqual({ fetched: 'widget' });
  });
});

describe('ApiResponse and Retry-After parsing', () => {
  it('parses delta seconds and HTTP dates, and rejects garbage', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(parseRetryAfter('30', now)).toBe(30);
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:01:00 GMT', now)).toBe(60);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });

  it('classifies status ranges', () => {
    const r = new ApiResponse({ status: 503, headers: { 'Retry-After': '5' } }, null);
    expect([r.ok, r.isClientError, r.isServerError, r.isRetryable, r.retryAfter]).toEqual([false, false, true, true, 5]);
    expect(new ApiResponse({ status: 204 }).ok).toBe(true);
  });
});
