import type { ArgsDef } from 'citty';
import { TaskerError } from '../errors.ts';
import { getRuntime, type Runtime } from '../runtime/index.ts';
import { loadConfig, type LoadedConfig } from '../config/load.ts';
import type { TaskerConfig } from '../config/schema.ts';
import { createLogger, setDefaultLogger, type Logger } from '../logging.ts';
import type { Db } from '../db/types.ts';
import { withStatus } from './status-line.ts';

/** Flags every command accepts. */
export const commonArgs = {
  config: { type: 'string', description: 'TOML config file (also TASKER_CONFIG_PATH)', valueHint: 'file' },
  database: {
    type: 'string',
    description: 'a PostgreSQL URL, `url` (= DATABASE_URL), an embedded data directory, or `memory` (a throwaway server); default DATABASE_URL, else .tasker/pgdata',
    valueHint: 'url|dir|memory',
  },
  'log-level': { type: 'string', description: 'trace|debug|info|warn|error|silent' },
  'log-format': { type: 'string', description: 'pretty|json (default: pretty on a terminal, JSON otherwise)' },
} as const satisfies ArgsDef;

/** What a command gets after {@link setup}. */
export interface CliContext {
  runtime: Runtime;
  config: TaskerConfig;
  loaded: LoadedConfig;
  logger: Logger;
}

type Args = Record<string, unknown>;

/**
 * Maps `--database` to config overrides: a URL, `url` (the configured DATABASE_URL / [common.database] url),
 * `memory`, or an embedded data directory. `fallback` applies when the flag is absent (smoke: `memory`).
 */
function databaseOverrides(value: unknown, fallback?: string): Record<string, unknown> {
  const chosen = typeof value === 'string' && value !== '' ? value : fallback;
  if (!chosen || chosen === 'url') return {};
  if (/^postgres(ql)?:\/\//.test(chosen)) return { 'common.database.url': chosen };
  return { 'common.database.url': '', 'common.database.embedded_path': chosen };
}

/** Options of {@link setup} beyond config overrides. */
export interface SetupOptions {
  strict?: boolean;
  /** The database when `--database` is absent (smoke and demo: `memory`, so they never touch DATABASE_URL). */
  defaultDatabase?: string;
}

/** Loads runtime, config (with flag overrides) and the logger; prints config warnings. */
export async function setup(args: Args, overrides: Record<string, unknown> = {}, options: boolean | SetupOptions = {}): Promise<CliContext> {
  const { strict = false, defaultDatabase } = typeof options === 'boolean' ? { strict: options } : options;
  const runtime = await getRuntime();
  const loaded = await loadConfig({
    runtime,
    configPath: typeof args.config === 'string' ? args.config : undefined,
    overrides: {
      ...databaseOverrides(args.database, defaultDatabase),
      'logging.level': args['log-level'],
      'logging.format': args['log-format'],
      ...overrides,
    },
    strict,
  });
  const logger = createLogger({ runtime, level: loaded.config.logging.level, format: loaded.config.logging.format });
  for (const w of loaded.warnings) logger.warn(w);
  setDefaultLogger(logger);
  if (args.database === 'url' && !loaded.config.common.database.url) {
    throw new TaskerError('USAGE', '--database url: no DATABASE_URL (or [common.database] url) is set', { hint: 'set DATABASE_URL, or give the URL itself: --database postgres://…' });
  }
  return { runtime, config: loaded.config, loaded, logger };
}

/** Opens the database, migrates it (or checks it is not newer), runs `fn`, closes the database. */
export async function withDb<T>(
  ctx: CliContext,
  fn: (db: Db) => Promise<T>,
  options: { migrate?: boolean; share?: boolean } = {},
): Promise<T> {
  // imported here, not at the top: commands that never open a database (validate, config, --help) start faster
  const [{ openDatabase }, { migrate, assertCompatible }] = await Promise.all([import('../db/open.ts'), import('../db/migrate.ts')]);
  const db = await withStatus(ctx.runtime, 'opening the database', () => openDatabase(ctx.config, ctx.runtime, { applicationName: 'tasker-cli' }));
  try {
    if (options.migrate !== false) await migrate(db);
    else await assertCompatible(db);
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** Parses a `--input` value: inline JSON or `@file`. */
export async function readJsonArg(runtime: Runtime, value: unknown, flag: string): Promise<unknown> {
  if (value === undefined || value === '') return {};
  const text = String(value);
  let source = text;
  let where = `--${flag}`;
  if (text.startsWith('@')) {
    where = text.slice(1);
    try {
      source = await runtime.readTextFile(text.slice(1));
    } catch (cause) {
      throw new TaskerError('USAGE', `--${flag}: cannot read ${text.slice(1)}`, { cause, hint: 'give a readable JSON file after @' });
    }
  }
  try {
    return JSON.parse(source);
  } catch (cause) {
    throw new TaskerError('USAGE', `${where} is not valid JSON: ${(cause as Error).message}`, {
      cause,
      hint: `pass JSON, e.g. --${flag} '{"even_number": 6}', or @path/to/file.json`,
    });
  }
}

/** Renders rows as an aligned text table. */
export function formatTable(rows: Array<Record<string, unknown>>, columns: string[]): string {
  const cells = rows.map((r) => columns.map((c) => (r[c] === null || r[c] === undefined ? '' : typeof r[c] === 'object' ? JSON.stringify(r[c]) : String(r[c]))));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...cells.map(line)].join('\n') + '\n';
}

/** The built-in template search paths: a new project often has neither, which is not an error. */
const DEFAULT_TEMPLATE_PATHS = ['./templates', './config/tasks'];

/**
 * The configured template paths to load: a built-in default that does not exist is left out, while a path the
 * user named (flag, TASKER_TEMPLATE_PATH, config) is kept, so a typo is still reported.
 */
export async function templatePaths(ctx: CliContext): Promise<string[]> {
  const paths: string[] = [];
  for (const p of ctx.config.templates.paths) if (!DEFAULT_TEMPLATE_PATHS.includes(p) || (await ctx.runtime.stat(p))) paths.push(p);
  return paths;
}
