// Shared setup of the http-*.test.ts files: a real engine on its own PostgreSQL database, and the app.
import { createTasker, type Tasker } from '../../src/engine/index.ts';
import { createHttpApp, type HttpApp, type HttpAppOptions } from '../../src/http/index.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

/** A running engine, its HTTP app and a request helper. */
export interface Harness {
  tasker: Tasker;
  app: HttpApp;
  database: TestDatabase;
  /** Sends a request to the app; a non-string `body` is sent as JSON. */
  request(method: string, path: string, init?: { body?: unknown; headers?: Record<string, string> }): Promise<Response>;
  close(): Promise<void>;
}

/** Starts an engine with the example templates and handlers on a fresh database. */
export async function startHarness(options: { apiKey?: string; maxBodyBytes?: number; web?: Record<string, unknown>; roles?: { orchestrator?: boolean; worker?: boolean }; app?: Partial<HttpAppOptions> } = {}): Promise<Harness> {
  const database = await createTestDatabase('tasker_http');
  const tasker = createTasker({
    config: {
      common: { database: { url: database.url, schema: 'tasker' } },
      templates: { paths: ['examples/templates'] },
      handlers: { paths: ['examples/handlers'] },
      web: { auth: { api_key: options.apiKey ?? '' }, ...(options.maxBodyBytes ? { max_body_bytes: options.maxBodyBytes } : {}), ...options.web },
    },
    roles: options.roles,
  });
  try {
    await tasker.start();
  } catch (err) {
    await database.drop();
    throw err;
  }
  const app = createHttpApp({ tasker, ...options.app });
  return {
    tasker,
    app,
    database,
    request(method, path, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      let body: string | undefined;
      if (init.body !== undefined) {
        body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
        if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
      }
      return app(new Request(`http://tasker.test${path}`, { method, headers, body }));
    },
    async close() {
      await tasker.stop();
      await database.drop();
    },
  };
}

/** Parses Prometheus text: `name{labels}` → value, plus the declared TYPE of each family. */
export function parseMetrics(text: string): { values: Map<string, number>; types: Map<string, string>; helps: Set<string> } {
  const values = new Map<string, number>();
  const types = new Map<string, string>();
  const helps = new Set<string>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      types.set(type[1], type[2]);
      continue;
    }
    const help = /^# HELP (\S+) .+$/.exec(line);
    if (help) {
      helps.add(help[1]);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!sample) throw new Error(`not a Prometheus sample line: ${JSON.stringify(line)}`);
    const value = sample[3] === '+Inf' ? Infinity : Number(sample[3]);
    if (Number.isNaN(value) && sample[3] !== 'NaN') throw new Error(`bad sample value in ${JSON.stringify(line)}`);
    values.set(`${sample[1]}${sample[2] ?? ''}`, value);
  }
  return { values, types, helps };
}
