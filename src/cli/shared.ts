import type { ArgsDef } from 'citty';
import { TaskerError } from '../errors.ts';
import { getRuntime, type Runtime } from '../runtime/index.ts';
import { loadConfig, type LoadedConfig } from '../config/load.ts';
import type { TaskerConfig } from '../config/schema.ts';
import { createLogger, setDefaultLogger, type Logger } from '../logging.ts';
import type { Db } from '../db/types.ts';

/** Flags every command accepts. */
export const commonArgs = {
  config: { type: 'string', description: 'TOML config file (also TASKER_CONFIG_PATH)', valueHint: 'file' },
  database: {
    type: 'string',
    description: 'PostgreSQL URL, an embedded data directory, or `memory` (default: DATABASE_URL, else .tasker/pgdata)',
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

/** Maps `--database` to config overrides: a URL, `memory`, or an embedded data directory. */
function databaseOverrides(value: unknown): Record<string, unknown> {
  if (typeof value !== 'string' || value === '') return {};
  if (/^postgres(ql)?:\/\//.test(value)) return { 'common.database.url': value };
  return { 'common.database.url': '', 'common.database.embedded_path': value };
}

/** Loads runtime, config (with flag overrides) and the logger; prints config warnings. */
export async function setup(args: Args, overrides: Record<string, unknown> = {}, strict = false): Promise<CliContext> {
  const runtime = await getRuntime();
  const loaded = await loadConfig({
    runtime,
    configPath: typeof args.config === 'string' ? args.config : undefined,
    overrides: {
      ...databaseOverrides(args.database),
      'logging.level': args['log-level'],
      'logging.format': args['log-format'],
      ...overrides,
    },
    strict,
  });
  const logger = createLogger({ runtime, level: loaded.config.logging.level, format: loaded.config.logging.format });
  for (const w of loaded.warnings) logger.warn(w);
  setDefaultLogger(logger);
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
  const db = await openDatabase(ctx.config, ctx.runtime, { share: options.share ?? false, applicationName: 'tasker-cli' });
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
