// `tasker run` under node, bun and deno against a real PostgreSQL: the HTTP API on a real socket, a
// workflow created over HTTP runs to completion and shows in /metrics, the dashboard and its assets are
// served with the same caching and CSP headers, and SIGTERM exits cleanly (0).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUNTIMES, startTaskerRun, type RuntimeName } from '../helpers/cli.ts';
import { createTestDatabase, waitFor, type TestDatabase } from '../helpers/db.ts';

let pg: TestDatabase;
beforeAll(async () => {
  pg = await createTestDatabase('tasker_run_contract');
});
afterAll(async () => {
  await pg?.drop();
});

describe.each(RUNTIMES.map((r) => [r]))('tasker run under %s', (runtime: RuntimeName) => {
  it('serves the API, runs a workflow created over HTTP, and stops on SIGTERM with exit 0', async () => {
    const { child, ready, output } = await startTaskerRun(runtime, ['--bind', '127.0.0.1:0', '--status-interval', '0'], {
      DATABASE_URL: pg.url,
      TASKER_DATABASE_SCHEMA: `run_${runtime}`,
      TASKER_TEMPLATE_PATH: 'examples/templates',
      TASKER_HANDLER_PATH: 'examples/handlers',
      TASKER_NAMESPACE: 'diamond_workflow',
      TASKER_LOG_LEVEL: 'info',
    });
    try {
      expect(ready.http).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const base = ready.http!;
      const live = await fetch(`${base}/health/ready`);
      expect(live.status).toBe(200);

      const res = await fetch(`${base}/v1/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ namespace: 'diamond_workflow', name: 'diamond_workflow', context: { even_number: 6 } }),
      });
      expect(res.status).toBe(201);
      const { task_uuid } = (await res.json()) as { task_uuid: string };
      const task = await waitFor(async () => {
        const t = (await (await fetch(`${base}/v1/tasks/${task_uuid}`)).json()) as { state: string; steps: Array<{ name: string; results: { result: { value: number } } }> };
        return t.state === 'complete' ? t : null;
      }, { timeoutMs: 30_000, what: `the diamond task to complete under ${runtime}` });
      expect(task.steps.find((s) => s.name === 'diamond_end')?.results.result).toEqual({ value: 133 });

      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toMatch(/^# TYPE tasker_\w+ counter$/m);
      expect(metrics).toMatch(/^tasker_tasks_completed_total(\{[^}]*\})? [1-9]/m);

      // the dashboard: page and hashed assets with the same headers on every runtime
      const page = await fetch(`${base}/ui`);
      expect([page.status, page.headers.get('cache-control'), page.headers.get('content-type')]).toEqual([200, 'no-cache', 'text/html; charset=utf-8']);
      expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
      const script = /src="(\/ui\/assets\/app-[0-9a-f]+\.js)"/.exec(await page.text())?.[1];
      const asset = await fetch(`${base}${script}`);
      expect([asset.status, asset.headers.get('cache-control')]).toEqual([200, 'public, max-age=31536000, immutable']);
      expect(asset.headers.get('content-type')).toMatch(/javascript/);
      const etag = asset.headers.get('etag');
      await asset.arrayBuffer();
      expect((await fetch(`${base}${script}`, { headers: { 'if-none-match': etag! } })).status).toBe(304);
      const overview = await fetch(`${base}/ui/api/overview`);
      expect(overview.status).toBe(200);
      expect(((await overview.json()) as { in_flight_steps: number }).in_flight_steps).toBeGreaterThanOrEqual(0);

      const bad = await fetch(`${base}/v1/tasks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"namespace":' });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('BAD_REQUEST');
    } finally {
      child.kill('SIGTERM');
      await waitFor(() => child.exitCode !== null || child.signalCode !== null, { timeoutMs: 30_000, what: 'tasker run to exit' });
    }
    expect(child.exitCode, output()).toBe(0);
    expect(output()).toContain('stopped cleanly');
  });
});
