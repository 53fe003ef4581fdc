import type { TaskerConfig } from './schema.ts';
import { maskUrl } from './database-url.ts';

/** Replaces the password of a connection URL with `***`; leaves anything unparseable alone. */
export function redactUrl(url: string): string {
  if (!url) return url;
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return maskUrl(url);
  }
}

/** A copy of the configuration that is safe to print or log: passwords and API keys are masked. */
export function redactConfig(config: TaskerConfig): TaskerConfig {
  const copy = structuredClone(config);
  copy.common.database.url = redactUrl(copy.common.database.url);
  if (copy.web.auth.api_key) copy.web.auth.api_key = '***';
  return copy;
}
