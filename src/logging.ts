import { createConsola, type ConsolaInstance } from 'consola';
import type { Runtime } from './runtime/types.ts';
import { redactUrl } from './config/redact.ts';

/** Structured fields attached to a log line (task_uuid, step_uuid, handler, namespace, ...). */
export type LogFields = Record<string, unknown>;

/** tasker's logger: level-filtered, pretty on a TTY, JSON lines otherwise. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

const LEVELS = { trace: 5, debug: 4, info: 3, warn: 1, error: 0, silent: -999 } as const;
const SECRET_KEY = /pass(word)?|secret|api_?key|token|authorization/i;

function clean(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    if (SECRET_KEY.test(k) && k !== 'claim_token') out[k] = '***';
    else if (typeof v === 'string' && /^[a-z]+:\/\/[^/]*:[^@]*@/.test(v)) out[k] = redactUrl(v);
    else if (v instanceof Error) out[k] = v.message;
    else out[k] = v;
  }
  return out;
}

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  runtime: Runtime;
  level: keyof typeof LEVELS;
  format: 'auto' | 'pretty' | 'json';
}

/** Creates the process logger. Logs go to stderr so stdout stays clean for command output. */
export function createLogger(options: LoggerOptions): Logger {
  const json = options.format === 'json' || (options.format === 'auto' && !options.runtime.isTTY);
  const threshold = LEVELS[options.level];
  let pretty: ConsolaInstance | undefined;
  if (!json) {
    const stream = { write: (text: string) => options.runtime.writeStderr(text), columns: 120 };
    pretty = createConsola({ level: threshold, stdout: stream, stderr: stream } as never);
  }
  const write = (level: 'debug' | 'info' | 'warn' | 'error', base: LogFields, message: string, fields?: LogFields) => {
    if (LEVELS[level] > threshold) return;
    const all = clean({ ...base, ...fields });
    if (json) {
      options.runtime.writeStderr(JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...all }) + '\n');
    } else {
      const suffix = Object.keys(all).length
        ? ' ' + Object.entries(all).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ')
        : '';
      pretty![level](message + suffix);
    }
  };
  const make = (base: LogFields): Logger => ({
    debug: (m, f) => write('debug', base, m, f),
    info: (m, f) => write('info', base, m, f),
    warn: (m, f) => write('warn', base, m, f),
    error: (m, f) => write('error', base, m, f),
    child: (fields) => make({ ...base, ...fields }),
  });
  return make({});
}

/** A logger that drops everything (library default, tests). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};

// The logger behind the original worker's logTrace/logInfo/... helpers and a handler's `this.logger`: the engine's
// logger once a `createTasker({logger})` process installed it, else a plain stderr writer for warn and error.
const fallbackLogger: Logger = {
  debug() {},
  info() {},
  warn: (message, fields) => console.warn(`[tasker] WARN ${message}${fields && Object.keys(fields).length ? ` ${JSON.stringify(clean(fields))}` : ''}`),
  error: (message, fields) => console.error(`[tasker] ERROR ${message}${fields && Object.keys(fields).length ? ` ${JSON.stringify(clean(fields))}` : ''}`),
  child: () => fallbackLogger,
};
let defaultLogger: Logger = fallbackLogger;

/** Installs the logger the log helpers and handler loggers write through (`createTasker` does this with its logger). */
export function setDefaultLogger(logger: Logger | null): void {
  defaultLogger = logger ?? fallbackLogger;
}

/** The logger installed by {@link setDefaultLogger} (a stderr writer for warn/error until one is). */
export function getDefaultLogger(): Logger {
  return defaultLogger;
}
