// The HTTP API over a real socket: startHttpServer binds the app through runtime.serve (node:http here;
// Bun.serve / Deno.serve when tests/runtime runs this under bun and deno).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp, startHttpServer } from '../../src/http/index.ts';
import { getRuntime } from '../../src/runtime/index.ts';
import type { Runtime, ServerHandle } from '../../src/runtime/types.ts';
import { isTaskerError } from '../../src/errors.ts';
import { createTasker, type Tasker } from '../../src/engine/index.ts';
import { createTestDatabase, waitFor, type TestDatabase } from '../helpers/db.ts';

const KEY = 'socket-test-key';
let database: TestDatabase;
let tasker: Tasker;
let runtime: Runtime;
let server: ServerHandle;
let base: string;

beforeAll(async () => {
  database = await createTestDatabase('tasker_http_socket');
  runtime = await getRuntime();
  tasker = createTasker({
    config: {
      common: { database: { url: database.url, schema: 'tasker' } },
      templates: { paths: ['examples/templates'] },
      handlers: { paths: ['examples/handlers'] },
      web: { auth: { api_key: KEY }, max_body_bytes: 2048 },
    },
    runtime,
  });
  await tasker.start();
  server = await startHttpServer(createHttpApp({ tasker, runtime }), runtime, '127.0.0.1:0');
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server?.close();
  await tasker?.stop();
  await database?.drop();
});

const auth = { 'x-api-key': KEY };

describe('HTTP server on a socket', () => {
  it('binds an OS-chosen port for port 0', () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.hostname).toBe('127.0.0.1');
  });

  it('runs a workflow created over HTTP to completion and shows it in GET and /metrics', async () => {
    const created = await fetch(`${base}/v1/tasks`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ namespace: 'mixed_dag_workflow', name: 'mixed_dag_workflow', context: { even_number: 6 } }),
    });
    expect(created.status).toBe(201);
    const { task_uuid } = (await created.json()) as { task_uuid: string };
    const done = await waitFor(async () => {
      const task = (await (await fetch(`${base}/v1/tasks/${task_uuid}`, { headers: auth })).json()) as { state: string; completion_percentage: number };
      return task.state === 'complete' ? task : null;
    }, { what: 'task complete over HTTP' });
    expect(done.completion_percentage).toBe(100);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^tasker_tasks_created_total\{namespace="mixed_dag_workflow"\} 1$/m);
    expect(metrics).toMatch(/^tasker_completed_count\{namespace="mixed_dag_workflow"\} 1$/m);
  });

  it('serves health, errors and auth the same as the fetch function', async () => {
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
    expect((await fetch(`${base}/v1/tasks`)).status).toBe(401);
    expect((await fetch(`${base}/v1/tasks`, { headers: { authorization: `Bearer ${KEY}` } })).status).toBe(200);
    const missing = await fetch(`${base}/nothing`);
    expect([missing.status, ((await missing.json()) as { error: { code: string } }).error.code]).toEqual([404, 'NOT_FOUND']);
    const wrong = await fetch(`${base}/v1/tasks`, { method: 'PUT', headers: auth });
    expect([wrong.status, wrong.headers.get('allow')]).toEqual([405, 'POST, GET, HEAD']);
  });

  it('refuses oversized and non-JSON bodies', async () => {
    const big = await fetch(`${base}/v1/tasks`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ namespace: 'x', name: 'y', context: { pad: 'x'.repeat(4000) } }),
    });
    expect(big.status).toBe(413);
    const form = await fetch(`${base}/v1/tasks`, { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: 'hi' });
    expect(form.status).toBe(415);
  });

  it('reports a port in use as PORT_IN_USE naming the address', async () => {
    const app = createHttpApp({ tasker, runtime });
    const err = await startHttpServer(app, runtime, `127.0.0.1:${server.port}`).then(
      async (s) => {
        await s.close();
        return null;
      },
      (e: unknown) => e,
    );
    expect(isTaskerError(err, 'PORT_IN_USE')).toBe(true);
    expect((err as Error).message).toContain(`127.0.0.1:${server.port}`);
  });
});
