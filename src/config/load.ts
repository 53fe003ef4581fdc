import { basename, dirname, join, resolve } from 'node:path';
import * as v from 'valibot';
import { parse as parseToml, TomlError } from 'smol-toml';
import { TaskerError } from '../errors.ts';
import type { Runtime } from '../runtime/types.ts';
import { configSchema, type TaskerConfig } from './schema.ts';
import { substituteEnv } from './substitute.ts';
import { assertDatabaseUrl } from './database-url.ts';
import { getPath, isTable, mergeInto, setPath, type Table } from './merge.ts';

/** What {@link loadConfig} needs. */
export interface LoadConfigOptions {
  runtime: Runtime;
  cwd?: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** `--config`; wins over `TASKER_CONFIG_PATH`. */
  configPath?: string;
  /** Values from CLI flags, as dotted key paths (`worker.max_concurrent_handlers`). */
  overrides?: Record<string, unknown>;
  /** Unknown keys become errors instead of warnings (`tasker config validate`). */
  strict?: boolean;
}

/** The merged, validated configuration plus where it came from. */
export interface LoadedConfig {
  config: TaskerConfig;
  environment: string;
  sources: string[];
  warnings: string[];
}

const ENV_MAP: Array<[string, string, (raw: string) => unknown]> = [
  ['DATABASE_URL', 'common.database.url', (s) => s],
  ['TASKER_DATABASE_SCHEMA', 'common.database.schema', (s) => s],
  ['TASKER_NAMESPACE', 'worker.namespaces', splitList],
  ['TASKER_TEMPLATE_PATH', 'templates.paths', splitPaths],
  ['TYPESCRIPT_HANDLER_PATH', 'handlers.paths', splitPaths],
  ['TASKER_HANDLER_PATH', 'handlers.paths', splitPaths],
  ['RUST_LOG', 'logging.level', normalizeLevel],
  ['TASKER_LOG_LEVEL', 'logging.level', normalizeLevel],
  ['TASKER_LOG_FORMAT', 'logging.format', (s) => s],
  ['TASKER_WEB_BIND_ADDRESS', 'web.bind_address', (s) => s],
];

function splitList(raw: string): string[] {
  return raw.split(',').map((s) => s.trim()).filter(Boolean);
}

function splitPaths(raw: string): string[] {
  return raw.split(/[,:]/).map((s) => s.trim()).filter(Boolean);
}

/** Accepts tasker levels and RUST_LOG-style plain levels (`warning`, `TRACE`, `tasker=debug`). */
export function normalizeLevel(raw: string): string {
  const last = raw.split(',').pop()!.split('=').pop()!.trim().toLowerCase();
  if (last === 'warning') return 'warn';
  if (last === 'off') return 'silent';
  return last;
}

async function tomlFilesIn(runtime: Runtime, dir: string): Promise<string[]> {
  const files = await runtime.listFiles(dir);
  return files.filter((f) => f.endsWith('.toml') && dirname(f) === resolve(dir));
}

async function readToml(runtime: Runtime, file: string, env: LoadConfigOptions['env']): Promise<Table> {
  let text: string;
  try {
    text = await runtime.readTextFile(file);
  } catch (cause) {
    throw new TaskerError('CONFIG_NOT_FOUND', `cannot read config file ${file}`, {
      cause,
      hint: 'check the path given by --config or TASKER_CONFIG_PATH',
    });
  }
  let parsed: Table;
  try {
    parsed = parseToml(text) as Table;
  } catch (cause) {
    const where = cause instanceof TomlError ? `:${cause.line}:${cause.column}` : '';
    const reason = cause instanceof TomlError ? cause.message.split('\n')[0] : String(cause);
    throw new TaskerError('CONFIG_INVALID', `${file}${where}: TOML syntax error: ${reason}`, {
      cause,
      hint: 'fix the TOML syntax at that line and column',
      details: { file },
    });
  }
  return substituteEnv(parsed, env ?? {}, file) as Table;
}

type AnySchema = { type: string; entries?: Record<string, AnySchema>; wrapped?: AnySchema };

function objectEntries(schema: AnySchema): Record<string, AnySchema> | undefined {
  let s: AnySchema | undefined = schema;
  while (s && s.wrapped) s = s.wrapped;
  return s?.type === 'object' ? s.entries : undefined;
}

function unknownKeys(schema: AnySchema, value: Table, prefix: string): string[] {
  const entries = objectEntries(schema);
  if (!entries) return [];
  const out: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (!(key in entries)) out.push(path);
    else if (isTable(child)) out.push(...unknownKeys(entries[key], child, path));
  }
  return out;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'nothing';
  return JSON.stringify(value) ?? String(value);
}

/** The project's own config file (what `tasker init` writes), read when no other file is named. */
export const PROJECT_CONFIG = 'tasker.toml';

/**
 * Loads configuration: defaults → config/tasker/base/*.toml → config/tasker/environments/<TASKER_ENV>/*.toml
 * → --config / TASKER_CONFIG_PATH, else ./tasker.toml → environment variables → CLI flags, then validates the result.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const { runtime } = options;
  const cwd = options.cwd ?? runtime.cwd();
  const env = options.env ?? runtime.env;
  const environment = env.TASKER_ENV || 'development';
  const merged: Table = {};
  const provenance = new Map<string, string>();
  const sources: string[] = [];
  const warnings: string[] = [];
  const unknown: string[] = [];

  const files = [
    ...(await tomlFilesIn(runtime, join(cwd, 'config/tasker/base'))),
    ...(await tomlFilesIn(runtime, join(cwd, 'config/tasker/environments', environment))),
  ];
  const explicit = options.configPath ?? env.TASKER_CONFIG_PATH;
  if (explicit) files.push(resolve(cwd, explicit));
  else if ((await runtime.stat(join(cwd, PROJECT_CONFIG)))?.isFile) files.push(join(cwd, PROJECT_CONFIG));

  for (const file of files) {
    const table = await readToml(runtime, file, env);
    for (const key of unknownKeys(configSchema as unknown as AnySchema, table, '')) unknown.push(`${file}: unknown key ${key}`);
    mergeInto(merged, table, file, provenance);
    sources.push(file);
  }

  for (const [name, path, convert] of ENV_MAP) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    setPath(merged, path, convert(raw));
    provenance.set(path, `environment variable ${name}`);
  }
  // the environment that selected the files above is the configuration's environment, whatever a file says
  merged.environment = environment;
  provenance.set('environment', env.TASKER_ENV ? 'environment variable TASKER_ENV' : 'default');
  for (const [path, value] of Object.entries(options.overrides ?? {})) {
    if (value === undefined) continue;
    setPath(merged, path, value);
    provenance.set(path, `command-line flag for ${path}`);
  }

  if (unknown.length > 0) {
    if (options.strict) {
      throw new TaskerError('CONFIG_INVALID', unknown.join('\n'), {
        hint: `remove the key or fix its spelling; see the README's configuration reference`,
      });
    }
    warnings.push(...unknown.map((u) => `${u} (ignored)`));
  }

  const result = v.safeParse(configSchema, merged);
  if (!result.success) {
    const lines = result.issues.map((issue) => {
      const path = v.getDotPath(issue) ?? '(root)';
      const origin = provenance.get(path) ?? basename(sources[sources.length - 1] ?? 'configuration');
      return `${origin}: ${path} = ${describe(getPath(merged, path))}: expected ${issue.expected ?? issue.message} (${issue.message})`;
    });
    throw new TaskerError('CONFIG_INVALID', lines.join('\n'), {
      hint: 'fix the value named above; `tasker config show` prints the merged configuration',
    });
  }
  assertDatabaseUrl(result.output.common.database.url, provenance.get('common.database.url'));
  return { config: result.output, environment, sources, warnings };
}
