import { describe, expect, it } from 'vitest';
import { createApiKeyCheck } from '../../src/http/auth.ts';
import { validator } from 'hono-openapi';
import { createBaseApp } from '../../src/http/base-app.ts';
import { jsonBody, rejectInvalid } from '../../src/http/middleware.ts';
import { HttpError, errorResponse, toHttpError } from '../../src/http/responses.ts';
import { silentLogger } from '../../src/logging.ts';
import { Histogram, renderMetrics } from '../../src/http/prometheus.ts';
import { parseBindAddress } from '../../src/http/server.ts';
import { createTaskBody } from '../../src/http/schemas.ts';
import { TaskerError } from '../../src/errors.ts';
import { parseMetrics } from './http-harness.ts';

const req = (method: string, path: string, init: RequestInit = {}) => new Request(`http://x.test${path}`, { method, ...init });

async function caught(fn: () => unknown): Promise<HttpError> {
  try {
    await fn();
  } catch (err) {
    return toHttpError(err);
  }
  throw new Error('expected an error');
}

describe('router', () => {
  const app = createBaseApp({ logger: silentLogger, checkApiKey: () => {} });
  app.get('/v1/tasks', () => new Response('list'));
  app.post('/v1/tasks', () => new Response('create'));
  app.get('/v1/tasks/:id/steps/:step', (c) => Response.json(c.req.param()));
  const handle = (r: Request) => app.fetch(r);
  const errorOf = async (res: Response) => ({ status: res.status, allow: res.headers.get('allow'), ...((await res.json()) as { error: { code: string } }).error });

  it('dispatches on method and path, with decoded parameters and an optional trailing slash', async () => {
    expect(await (await handle(req('GET', '/v1/tasks'))).text()).toBe('list');
    expect(await (await handle(req('POST', '/v1/tasks/'))).text()).toBe('create');
    expect(await (await handle(req('GET', '/v1/tasks/abc/steps/step%20one'))).json()).toEqual({ id: 'abc', step: 'step one' });
  });

  it('answers an unknown path with NOT_FOUND and a known path with another method with 405 and Allow', async () => {
    expect((await errorOf(await handle(req('GET', '/v1/nothing')))).status).toBe(404);
    expect((await errorOf(await handle(req('GET', '/v1/tasks/abc/steps')))).code).toBe('NOT_FOUND');
    const err = await errorOf(await handle(req('DELETE', '/v1/tasks')));
    expect([err.status, err.code, err.allow]).toEqual([405, 'METHOD_NOT_ALLOWED', 'GET, HEAD, POST']);
  });

  it('rejects a malformed percent-encoding in a parameter as BAD_REQUEST', async () => {
    expect((await errorOf(await handle(req('GET', '/v1/tasks/%E0%A4%A/steps/x')))).status).toBe(400);
  });
});

describe('error envelope', () => {
  it('maps TaskerError codes to statuses and keeps details', () => {
    const cases: Array<[TaskerError, number, string]> = [
      [new TaskerError('INPUT_INVALID', 'bad', { details: { violations: ['a'] } }), 400, 'BAD_REQUEST'],
      [new TaskerError('TEMPLATE_NOT_FOUND', 'x'), 404, 'NOT_FOUND'],
      [new TaskerError('TASK_NOT_FOUND', 'x'), 404, 'NOT_FOUND'],
      [new TaskerError('STEP_NOT_FOUND', 'x'), 404, 'NOT_FOUND'],
      [new TaskerError('TASK_DUPLICATE', 'x', { details: { existing_task_uuid: 'u' } }), 409, 'CONFLICT'],
      [new TaskerError('TASK_TERMINAL', 'x'), 409, 'CONFLICT'],
      [new TaskerError('STATE_TRANSITION_INVALID', 'x'), 409, 'CONFLICT'],
    ];
    for (const [err, status, code] of cases) {
      const mapped = toHttpError(err);
      expect([mapped.status, mapped.code, mapped.details?.tasker_code]).toEqual([status, code, err.code]);
    }
    expect(toHttpError(cases[0][0]).details?.violations).toEqual(['a']);
    expect(toHttpError(cases[4][0]).details?.existing_task_uuid).toBe('u');
  });

  it('hides the message of unexpected errors behind INTERNAL', async () => {
    const mapped = toHttpError(new Error('connect ECONNREFUSED postgres://user:secret@db'));
    expect(mapped.status).toBe(500);
    const body = await errorResponse(mapped).json();
    expect(body).toEqual({ error: { code: 'INTERNAL', message: 'internal server error' } });
  });
});

describe('JSON bodies', () => {
  const app = createBaseApp({ logger: silentLogger, checkApiKey: () => {} });
  app.post('/', jsonBody(() => 100), (c) => c.req.json().then((body) => Response.json(body)));
  app.post('/task', jsonBody(() => 10_000), validator('json', createTaskBody, rejectInvalid('task request')), () => new Response('ok'));
  const send = (body: BodyInit | null, headers: Record<string, string> = { 'content-type': 'application/json' }, path = '/') => app.fetch(req('POST', path, { body, headers }));
  const caughtRes = async (res: Response) => ({ status: res.status, ...((await res.json()) as { error: { code: string; message: string; details?: Record<string, unknown> } }).error });

  it('parses JSON with a JSON content type (including charset and +json)', async () => {
    expect(await (await send('{"a":1}')).json()).toEqual({ a: 1 });
    expect(await (await send('[1]', { 'content-type': 'application/vnd.api+json; charset=utf-8' })).json()).toEqual([1]);
  });

  it('answers 415 for another or a missing content type', async () => {
    expect((await send('{}', { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await app.fetch(req('POST', '/', { body: new Blob(['{}']) }))).status).toBe(415);
  });

  it('answers 413 past the limit, by Content-Length or while streaming a chunked body', async () => {
    expect((await send(JSON.stringify({ s: 'x'.repeat(200) }))).status).toBe(413);
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 10; i++) c.enqueue(new TextEncoder().encode('"xxxxxxxxxxxxxxxxxxxx'));
        c.close();
      },
    });
    const chunked = new Request('http://x.test/', { method: 'POST', body: stream, headers: { 'content-type': 'application/json' }, duplex: 'half' } as RequestInit);
    const err = await caughtRes(await app.fetch(chunked));
    expect([err.status, err.details?.max_body_bytes]).toEqual([413, 100]);
  });

  it('answers 400 for an empty or malformed body', async () => {
    expect((await send('')).status).toBe(400);
    const err = await caughtRes(await send('{"a":'));
    expect([err.status, err.message]).toEqual([400, expect.stringMatching(/not valid JSON/)]);
  });

  it('lists every problem of a body with its path', async () => {
    const err = await caughtRes(await send(JSON.stringify({ namespace: '', context: [], priority: 1.5, tags: [1], typo: true }), undefined, '/task'));
    const paths = (err.details?.violations as Array<{ path: string }>).map((v) => v.path).sort();
    expect(paths).toEqual(['context', 'name', 'namespace', 'priority', 'tags.0', 'typo']);
  });
});

describe('API key check', () => {
  const check = createApiKeyCheck('s3cret-key');
  const withHeaders = (headers: Record<string, string>) => req('GET', '/v1/tasks', { headers });

  it('accepts the key as X-API-Key or as a bearer token', () => {
    expect(() => check(withHeaders({ 'x-api-key': 's3cret-key' }))).not.toThrow();
    expect(() => check(withHeaders({ authorization: 'Bearer s3cret-key' }))).not.toThrow();
    expect(() => check(withHeaders({ authorization: 'bearer   s3cret-key ' }))).not.toThrow();
  });

  it('rejects a missing, wrong or differently sized key without echoing it', async () => {
    const cases: Array<Record<string, string>> = [{}, { 'x-api-key': 's3cret-kez' }, { authorization: 'Bearer s' }, { authorization: 'Basic czNjcmV0LWtleQ==' }];
    for (const headers of cases) {
      const err = await caught(() => check(withHeaders(headers)));
      expect(err.status).toBe(401);
      expect(err.headers?.['www-authenticate']).toMatch(/^Bearer/);
      expect(JSON.stringify(await errorResponse(err).json())).not.toMatch(/s3cret/);
    }
  });

  it('is a no-op when no key is configured', () => {
    expect(() => createApiKeyCheck('')(withHeaders({}))).not.toThrow();
  });
});

describe('Prometheus text', () => {
  it('renders HELP and TYPE lines, escaped labels and cumulative histogram buckets', () => {
    const h = new Histogram([0.1, 1]);
    h.observe({ namespace: 'a' }, 0.05);
    h.observe({ namespace: 'a' }, 0.5);
    h.observe({ namespace: 'a' }, 5);
    const text = renderMetrics([
      { name: 'tasker_x_total', type: 'counter', help: 'X.', samples: [{ labels: { q: 'a"b\\c\nd' }, value: 3 }] },
      { name: 'tasker_d_seconds', type: 'histogram', help: 'D.', samples: h.samples() },
    ]);
    expect(text).toContain('tasker_x_total{q="a\\"b\\\\c\\nd"} 3');
    const { values, types, helps } = parseMetrics(text);
    expect(types.get('tasker_d_seconds')).toBe('histogram');
    expect(helps.has('tasker_x_total')).toBe(true);
    expect(values.get('tasker_d_seconds_bucket{namespace="a",le="0.1"}')).toBe(1);
    expect(values.get('tasker_d_seconds_bucket{namespace="a",le="1"}')).toBe(2);
    expect(values.get('tasker_d_seconds_bucket{namespace="a",le="+Inf"}')).toBe(3);
    expect(values.get('tasker_d_seconds_count{namespace="a"}')).toBe(3);
    expect(values.get('tasker_d_seconds_sum{namespace="a"}')).toBeCloseTo(5.55);
  });
});

describe('bind address', () => {
  it('parses host:port, IPv6 in brackets and port 0', () => {
    expect(parseBindAddress('127.0.0.1:8080')).toEqual({ hostname: '127.0.0.1', port: 8080 });
    expect(parseBindAddress('[::1]:0')).toEqual({ hostname: '::1', port: 0 });
    expect(parseBindAddress('0.0.0.0:65535')).toEqual({ hostname: '0.0.0.0', port: 65535 });
  });

  it('rejects anything else with CONFIG_INVALID', () => {
    for (const bad of ['8080', 'localhost', 'host:99999', 'a b:1', ':80']) {
      expect(() => parseBindAddress(bad)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    }
  });
});
