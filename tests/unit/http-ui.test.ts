// The dashboard's static page and assets through the app (no socket): caching headers, the strict
// Content-Security-Policy, ETag revalidation, `[web] ui = false`, and the API key on /ui/api only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/index.ts';
import { uiAssets } from '../../src/web/assets.generated.ts';
import { startHarness, type Harness } from './http-harness.ts';

const KEY = 'ui-key';
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ apiKey: KEY, roles: { orchestrator: false, worker: false } });
});
afterAll(async () => {
  await h?.close();
});

const assetPath = (ext: string) => `/ui/assets/${Object.keys(uiAssets).find((n) => n.endsWith(ext))}`;

describe('dashboard assets', () => {
  it('serves the page with no-cache, an ETag and a strict CSP, naming hashed assets', async () => {
    const res = await h.request('GET', '/ui');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const etag = res.headers.get('etag');
    expect(etag).toBeTruthy();
    const html = await res.text();
    expect(html).toContain(assetPath('.js'));
    expect(html).toContain(assetPath('.css'));
    expect(html).not.toMatch(/<script>|style=/);
    const again = await h.request('GET', '/ui', { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
  });

  it('serves hashed assets as immutable with their types, and 404s for unknown ones', async () => {
    const js = await h.request('GET', assetPath('.js'));
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('etag')).toBeTruthy();
    expect((await js.text()).length).toBeGreaterThan(10_000);
    const css = await h.request('GET', assetPath('.css'));
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    const missing = await h.request('GET', '/ui/assets/app-000000000000.js');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('cache-control') ?? '').not.toContain('immutable');
    expect((await h.request('GET', '/ui/assets/%2e%2e%2fapp.js')).status).toBe(404);
  });

  it('keeps the page open but its data behind the API key', async () => {
    expect((await h.request('GET', '/ui')).status).toBe(200);
    expect((await h.request('GET', '/ui/api/overview')).status).toBe(401);
    expect((await h.request('GET', '/ui/api/tasks')).status).toBe(401);
    const ok = await h.request('GET', '/ui/api/tasks?limit=5', { headers: { 'x-api-key': KEY } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ tasks: [], next_cursor: null });
    const bad = await h.request('GET', '/ui/api/tasks?cursor=nope', { headers: { 'x-api-key': KEY } });
    expect(bad.status).toBe(400);
  });

  it('is off with [web] ui = false', async () => {
    const config = { ...h.tasker.config, web: { ...h.tasker.config.web, ui: false } };
    const app = createHttpApp({ tasker: h.tasker, config });
    expect((await app(new Request('http://x.test/ui'))).status).toBe(404);
    expect((await app(new Request(`http://x.test${assetPath('.js')}`))).status).toBe(404);
    expect((await app(new Request('http://x.test/health'))).status).toBe(200);
  });
});
