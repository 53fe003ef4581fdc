export { configSchema, type TaskerConfig, type TaskerConfigInput } from './schema.ts';
export { loadConfig, normalizeLevel, type LoadConfigOptions, type LoadedConfig } from './load.ts';
export { redactConfig, redactUrl } from './redact.ts';
