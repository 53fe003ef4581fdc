import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { redactConfig, redactUrl } from '../../src/config/redact.ts';
import { getRuntime } from '../../src/runtime/index.ts';
import { TaskerError } from '../../src/errors.ts';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tasker-config-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

async function load(cwd: string, env: Record<string, string> = {}, extra: Partial<Parameters<typeof loadConfig>[0]> = {}) {
  return loadConfig({ runtime: await getRuntime(), cwd, env, ...extra });
}

async function failure(p: Promise<unknown>): Promise<TaskerError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(TaskerError);
    return err as TaskerError;
  }
  throw new Error('expected a TaskerError');
}

describe('configuration loading', () => {
  it('gives every key a default when there is no file at all', async () => {
    const { config, sources, environment } = await load(project({}));
    expect(sources).toEqual([]);
    expect(environment).toBe('development');
    expect(config.common.queues.visibility_timeout_seconds).toBe(30);
    expect(config.worker.max_concurrent_handlers).toBe(10);
    expect(config.web.bind_address).toBe('127.0.0.1:8080');
    expect(config.common.backoff).toEqual({ base_seconds: 1, multiplier: 2, max_seconds: 3600, jitter_percent: 15 });
    expect(config.common.database.url).toBe('');
  });

  it('layers base → environment → file → environment variables → flags, later wins', async () => {
    const dir = project({
      'config/tasker/base/worker.toml': '[worker]\nmax_concurrent_handlers = 4\nhandler_timeout_ms = 1000\n[web]\nenabled = true\n',
      'config/tasker/environments/production/worker.toml': '[worker]\nmax_concurrent_handlers = 8\n',
      'custom.toml': '[worker]\nhandler_timeout_ms = 2000\n[logging]\nlevel = "debug"\n',
    });
    const { config, sources } = await load(dir, { TASKER_ENV: 'production', TASKER_CONFIG_PATH: 'custom.toml', TASKER_LOG_LEVEL: 'warn', TASKER_NAMESPACE: 'a, b' }, {
      overrides: { 'web.enabled': false },
    });
    expect(sources.map((s) => s.slice(dir.length + 1))).toEqual([
      'config/tasker/base/worker.toml',
      'config/tasker/environments/production/worker.toml',
      'custom.toml',
    ]);
    expect(config.worker.max_concurrent_handlers).toBe(8);
    expect(config.worker.handler_timeout_ms).toBe(2000);
    expect(config.logging.level).toBe('warn');
    expect(config.worker.namespaces).toEqual(['a', 'b']);
    expect(config.web.enabled).toBe(false);
  });

  it('accepts RUST_LOG-style plain levels and TYPESCRIPT_HANDLER_PATH', async () => {
    const { config } = await load(project({}), { RUST_LOG: 'WARNING', TYPESCRIPT_HANDLER_PATH: './h1:./h2' });
    expect(config.logging.level).toBe('warn');
    expect(config.handlers.paths).toEqual(['./h1', './h2']);
  });

  it('substitutes ${VAR} and ${VAR:-default} inside strings', async () => {
    const dir = project({ 'c.toml': '[common.database]\nurl = "postgres://u@${DB_HOST}:${DB_PORT:-5432}/app"\n' });
    const { config } = await load(dir, { DB_HOST: 'db.local' }, { configPath: 'c.toml' });
    expect(config.common.database.url).toBe('postgres://u@db.local:5432/app');
  });

  it('names the file, key and variable when ${VAR} is unset without a default', async () => {
    const dir = project({ 'c.toml': '[web.auth]\napi_key = "${API_KEY}"\n' });
    const err = await failure(load(dir, {}, { configPath: 'c.toml' }));
    expect(err.code).toBe('ENV_VAR_MISSING');
    expect(err.message).toContain('c.toml: web.auth.api_key uses ${API_KEY}, but API_KEY is not set');
    expect(err.hint).toContain('${API_KEY:-default}');
  });

  it('reports a TOML syntax error with file, line and column', async () => {
    const dir = project({ 'c.toml': '[worker]\nmax_concurrent_handlers = = 3\n' });
    const err = await failure(load(dir, {}, { configPath: 'c.toml' }));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toMatch(/c\.toml:2:\d+: TOML syntax error/);
  });

  it('reports a wrong type with key path, bad value, expected type and the file that set it', async () => {
    const dir = project({ 'c.toml': '[worker]\nmax_concurrent_handlers = "ten"\n' });
    const err = await failure(load(dir, {}, { configPath: 'c.toml' }));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toContain('c.toml: worker.max_concurrent_handlers = "ten": expected number');
  });

  it('warns about an unknown key, and fails on it in strict mode', async () => {
    const dir = project({ 'c.toml': '[worker]\nmax_concurent_handlers = 3\n' });
    const { warnings } = await load(dir, {}, { configPath: 'c.toml' });
    expect(warnings).toEqual([expect.stringContaining('unknown key worker.max_concurent_handlers (ignored)')]);
    const err = await failure(load(dir, {}, { configPath: 'c.toml', strict: true }));
    expect(err.message).toContain('unknown key worker.max_concurent_handlers');
  });

  it('fails clearly when --config names a missing file', async () => {
    const err = await failure(load(project({}), {}, { configPath: 'nope.toml' }));
    expect(err.code).toBe('CONFIG_NOT_FOUND');
    expect(err.message).toContain('nope.toml');
  });

  it('redacts passwords in URLs and the API key', async () => {
    expect(redactUrl('postgres://app:pw@h:5432/db')).toBe('postgres://app:***@h:5432/db');
    expect(redactUrl('postgres://h/db')).toBe('postgres://h/db');
    const { config } = await load(project({ 'c.toml': '[web.auth]\napi_key = "k-123"\n' }), { DATABASE_URL: 'postgres://a:b@h/d' }, { configPath: 'c.toml' });
    const safe = redactConfig(config);
    expect(safe.web.auth.api_key).toBe('***');
    expect(safe.common.database.url).toBe('postgres://a:***@h/d');
    expect(config.web.auth.api_key).toBe('k-123');
  });
});
