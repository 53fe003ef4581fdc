// The original worker's structured logging helpers, writing through tasker's logger (see setDefaultLogger).
import { getDefaultLogger, type LogFields } from '../logging.ts';

export type { LogFields } from '../logging.ts';

/** A TRACE line (tasker logs it at debug level, with `trace: true`). */
export function logTrace(message: string, fields?: LogFields): void {
  getDefaultLogger().debug(message, { ...fields, trace: true });
}

/** A DEBUG line with structured fields. */
export function logDebug(message: string, fields?: LogFields): void {
  getDefaultLogger().debug(message, fields);
}

/** An INFO line with structured fields. */
export function logInfo(message: string, fields?: LogFields): void {
  getDefaultLogger().info(message, fields);
}

/** A WARN line with structured fields. */
export function logWarn(message: string, fields?: LogFields): void {
  getDefaultLogger().warn(message, fields);
}

/** An ERROR line with structured fields. */
export function logError(message: string, fields?: LogFields): void {
  getDefaultLogger().error(message, fields);
}

/** A logger with preset fields: what the original's `createLogger(defaultFields)` returns. */
export interface FieldLogger {
  trace(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** The original worker's `createLogger(defaultFields)`: every line carries `defaultFields` (a function: read per line). */
export function createFieldLogger(defaultFields: LogFields | (() => LogFields) = {}): FieldLogger {
  const merge = (fields?: LogFields): LogFields => ({ ...(typeof defaultFields === 'function' ? defaultFields() : defaultFields), ...fields });
  return {
    trace: (m, f) => logTrace(m, merge(f)),
    debug: (m, f) => logDebug(m, merge(f)),
    info: (m, f) => logInfo(m, merge(f)),
    warn: (m, f) => logWarn(m, merge(f)),
    error: (m, f) => logError(m, merge(f)),
  };
}
