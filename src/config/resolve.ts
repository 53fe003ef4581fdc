import * as v from 'valibot';
import { TaskerError } from '../errors.ts';
import { configSchema, type TaskerConfig, type TaskerConfigInput } from './schema.ts';

/** Resolves a full or partial configuration (given in code) into a validated {@link TaskerConfig}. */
export function resolveConfig(input: TaskerConfig | TaskerConfigInput | undefined): TaskerConfig {
  const result = v.safeParse(configSchema, input ?? {});
  if (!result.success) {
    const lines = result.issues.map((i) => `${v.getDotPath(i) ?? '(root)'}: ${i.message}`);
    throw new TaskerError('CONFIG_INVALID', `invalid configuration: ${lines.join('; ')}`);
  }
  return result.output;
}
