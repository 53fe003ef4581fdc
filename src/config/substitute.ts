import { TaskerError } from '../errors.ts';

const PATTERN = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string value of `value` (recursively).
 * An unset variable without a default is an error naming the file and key path.
 */
export function substituteEnv(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  file: string,
  path: string[] = [],
): unknown {
  if (typeof value === 'string') {
    return value.replace(PATTERN, (_match, name: string, fallback: string | undefined) => {
      const found = env[name];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      throw new TaskerError('ENV_VAR_MISSING', `${file}: ${path.join('.')} uses \${${name}}, but ${name} is not set`, {
        hint: `set ${name} in the environment, or write \${${name}:-default} to give a default`,
        details: { file, key: path.join('.'), variable: name },
      });
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => substituteEnv(item, env, file, [...path, String(i)]));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substituteEnv(v, env, file, [...path, k]);
    return out;
  }
  return value;
}
