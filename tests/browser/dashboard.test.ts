// The dashboard in a real headless Chromium against a running engine on PostgreSQL: refused without
// the API key, signed in with it; a task created over the API appears in the list, its page shows the
// DAG whose steps turn complete; another task is cancelled through the page (with confirmation); the
// templates and DLQ pages render. No CSP violation may be logged. Screenshots: .tasker-test/screenshots.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer-core';
import { join } from 'node:path';
import { createTasker, type Tasker } from '../../src/engine/index.ts';
import { createHttpApp, startHttpServer } from '../../src/http/index.ts';
import { getRuntime } from '../../src/runtime/index.ts';
import type { ServerHandle } from '../../src/runtime/types.ts';
import { createTestDatabase, waitFor, type TestDatabase } from '../helpers/db.ts';
import { browserSkipReason, launchBrowser, SCREENSHOTS } from './chromium.ts';

if (browserSkipReason) console.warn(`[dashboard browser tests] skipped: ${browserSkipReason}`);

const KEY = 'dashboard-test-key';
const WAIT = { timeout: 30_000 };

describe.skipIf(browserSkipReason)('dashboard in a headless browser', () => {
  let database: TestDatabase;
  let tasker: Tasker;
  let server: ServerHandle;
  let browser: Browser;
  let page: Page;
  let base: string;
  const problems: string[] = [];

  const apiCall = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(base + path, { method, headers: { 'x-api-key': KEY, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as any };
  };
  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    database = await createTestDatabase('tasker_ui_browser');
    const runtime = await getRuntime();
    tasker = createTasker({
      config: {
        common: { database: { url: database.url, schema: 'tasker' } },
        templates: { paths: ['examples/templates'] },
        handlers: { paths: ['examples/handlers'] },
        // no worker serves linear_workflow: its tasks wait, so one can be cancelled from the page
        worker: { namespaces: ['diamond_workflow', 'mixed_dag_workflow'] },
        web: { auth: { api_key: KEY } },
      },
      runtime,
    });
    await tasker.start();
    server = await startHttpServer(createHttpApp({ tasker, runtime }), runtime, '127.0.0.1:0');
    base = `http://127.0.0.1:${server.port}`;
    browser = await launchBrowser();
    page = await browser.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of (401|404)/.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (err) => problems.push(String(err)));
    page.on('response', (res) => {
      if (res.status() >= 400 && res.status() !== 401) problems.push(`${res.status()} ${res.url()}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await tasker?.stop();
    await database?.drop();
  });

  it('refuses the data without an API key and signs in with one kept out of the URL', async () => {
    expect((await fetch(`${base}/ui/api/overview`)).status).toBe(401);
    await page.goto(`${base}/ui`);
    await page.waitForSelector('#login', WAIT);
    await shot('login');
    await page.type('input[name=key]', 'not-the-key');
    await page.click('button[type=submit]');
    await page.waitForFunction(() => document.querySelector('#login .error')?.textContent?.includes('not valid'), WAIT);
    await page.$eval('input[name=key]', (el) => ((el as HTMLInputElement).value = ''));
    await page.type('input[name=key]', KEY);
    await page.click('button[type=submit]');
    await page.waitForSelector('#overview', WAIT);
    expect(page.url()).not.toContain(KEY);
    expect(await page.evaluate(() => sessionStorage.getItem('tasker.apiKey'))).toBe(KEY);
    await shot('overview');
  });

  it('shows a task created over the API in the list, then its DAG turning complete', async () => {
    await page.goto(`${base}/ui#/tasks`);
    await page.waitForSelector('table.tasks', WAIT);
    const created = await apiCall('POST', '/v1/tasks', { namespace: 'mixed_dag_workflow', name: 'mixed_dag_workflow', context: { even_number: 6 } });
    expect(created.status).toBe(201);
    const uuid = created.body.task_uuid as string;
    await page.waitForSelector(`tr[data-task="${uuid}"] a`, WAIT);
    await shot('tasks');
    await page.click(`tr[data-task="${uuid}"] a`);
    await page.waitForSelector('svg.dag g.node', WAIT);
    const steps = (await apiCall('GET', `/v1/tasks/${uuid}/workflow_steps`)).body.steps as unknown[];
    expect(await page.$$eval('svg.dag g.node', (nodes) => nodes.length)).toBe(steps.length);
    await page.waitForSelector('#task[data-state="complete"]', WAIT);
    await page.waitForFunction((n) => document.querySelectorAll('svg.dag g.node[data-state="complete"]').length === n, WAIT, steps.length);
    expect(await page.$$eval('svg.gantt rect.bar.succeeded', (bars) => bars.length)).toBeGreaterThanOrEqual(steps.length);
    await page.click('tr[data-step] button.link');
    await page.waitForSelector('#step-details', WAIT);
    await shot('task');
  });

  it('cancels a waiting task from its page after confirmation', async () => {
    const created = await apiCall('POST', '/v1/tasks', { namespace: 'linear_workflow', name: 'linear_workflow', context: { even_number: 4 } });
    const uuid = created.body.task_uuid as string;
    await page.goto(`${base}/ui#/tasks/${uuid}`);
    await page.waitForSelector('#cancel-task:not([disabled])', WAIT);
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.accept();
    });
    await page.click('#cancel-task');
    await page.waitForSelector('#task[data-state="cancelled"]', WAIT);
    expect(asked).toContain(uuid);
    expect((await apiCall('GET', `/v1/tasks/${uuid}`)).body.state).toBe('cancelled');
    const audit = await waitFor(async () => {
      const steps = (await apiCall('GET', `/v1/tasks/${uuid}/workflow_steps`)).body.steps as Array<{ state: string }>;
      return steps.every((s) => s.state === 'cancelled') ? steps : null;
    }, { what: 'every step cancelled' });
    expect(audit.length).toBeGreaterThan(0);
    await shot('task-cancelled');
  });

  it('renders the templates (with a template DAG) and the DLQ pages', async () => {
    await page.goto(`${base}/ui#/templates`);
    await page.waitForSelector('#templates a[href*="diamond_workflow"]', WAIT);
    await shot('templates');
    await page.click('#templates a[href*="diamond_workflow"]');
    await page.waitForSelector('#template svg.dag g.node', WAIT);
    expect(await page.$$eval('#template svg.dag g.node', (n) => n.length)).toBe(4);
    await shot('template');
    await page.goto(`${base}/ui#/dlq`);
    await page.waitForSelector('#dlq table', WAIT);
    await shot('dlq');
    expect(problems).toEqual([]);
  });
});
