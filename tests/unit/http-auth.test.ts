import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/logging.ts';
import { startHarness, type Harness } from './http-harness.ts';

const KEY = 'k3y-that-must-never-leak';
const lines: string[] = [];
const capture = (fields: Record<string, unknown> = {}): Logger => {
  const log = (level: string) => (message: string, more?: Record<string, unknown>) => void lines.push(JSON.stringify({ level, message, ...fields, ...more }));
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: (f) => capture({ ...fields, ...f }) };
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ apiKey: KEY, app: { logger: capture() } });
});
afterAll(async () => {
  await h?.close();
});

describe('API key on /v1', () => {
  it('rejects requests without a key or with a wrong one (401, envelope, WWW-Authenticate)', async () => {
    for (const headers of [{}, { 'x-api-key': 'wrong' }, { authorization: `Bearer ${KEY}x` }] as Array<Record<string, string>>) {
      const res = await h.request('GET', '/v1/tasks', { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
    }
  });

  it('checks the key before reading the body', async () => {
    const res = await h.request('POST', '/v1/tasks', { body: '{broken' });
    expect(res.status).toBe(401);
  });

  it('accepts the key as X-API-Key or as a bearer token', async () => {
    expect((await h.request('GET', '/v1/tasks', { headers: { 'x-api-key': KEY } })).status).toBe(200);
    expect((await h.request('GET', '/v1/templates', { headers: { authorization: `Bearer ${KEY}` } })).status).toBe(200);
    const created = await h.request('POST', '/v1/tasks', {
      headers: { 'x-api-key': KEY },
      body: { namespace: 'linear_workflow', name: 'linear_workflow', context: { even_number: 2 } },
    });
    expect(created.status).toBe(201);
  });

  it('leaves the health probes, metrics and the OpenAPI document open', async () => {
    for (const path of ['/health', '/health/live', '/health/ready', '/metrics', '/openapi.json']) {
      expect((await h.request('GET', path)).status).toBe(200);
    }
  });

  it('puts /health/detailed (queue names, worker statistics) behind the key, trailing slash or not', async () => {
    for (const path of ['/health/detailed', '/health/detailed/']) {
      for (const headers of [{}, { 'x-api-key': 'wrong' }] as Array<Record<string, string>>) {
        const res = await h.request('GET', path, { headers });
        expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(401);
        const text = await res.text();
        expect(text).toContain('UNAUTHORIZED');
        expect(text).not.toMatch(/linear_workflow|in_flight|queues/);
      }
      const ok = await h.request('GET', path, { headers: { authorization: `Bearer ${KEY}` } });
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { queues: unknown[] }).queues).toBeInstanceOf(Array);
    }
  });

  it('never writes the key into responses or logs', async () => {
    const bodies: string[] = [];
    for (const path of ['/health/detailed', '/metrics', '/openapi.json', '/v1/tasks']) {
      bodies.push(await (await h.request('GET', path, { headers: { 'x-api-key': KEY } })).text());
    }
    bodies.push(await (await h.request('GET', '/v1/tasks', { headers: { 'x-api-key': `${KEY}-wrong` } })).text());
    expect(lines.length).toBeGreaterThan(0);
    expect([...bodies, ...lines].join('\n')).not.toContain(KEY);
  });
});
