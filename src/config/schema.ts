import * as v from 'valibot';
import { cronProblem } from '../scheduling/cron.ts';

const positiveInt = v.pipe(v.number(), v.integer(), v.minValue(1));
const nonNegativeInt = v.pipe(v.number(), v.integer(), v.minValue(0));
const logLevel = v.picklist(['trace', 'debug', 'info', 'warn', 'error', 'silent']);
const stringList = v.array(v.string());

/** `[common.database]`: where the state lives. No url → the embedded PostgreSQL under `.tasker/`. */
const databaseSchema = v.object({
  url: v.optional(v.string(), ''),
  /** Embedded database location: a directory, or `memory` for a throwaway in-memory database. */
  embedded_path: v.optional(v.string(), '.tasker/pgdata'),
  schema: v.optional(v.pipe(v.string(), v.regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lowercase SQL identifier')), 'tasker'),
  pool_max: v.optional(positiveInt, 10),
  statement_timeout_ms: v.optional(nonNegativeInt, 30_000),
  connect_timeout_seconds: v.optional(positiveInt, 10),
});

/** `[common.queues]`: pgmq-style queue behaviour. */
const queuesSchema = v.object({
  visibility_timeout_seconds: v.optional(positiveInt, 30),
  poll_interval_ms: v.optional(positiveInt, 1000),
  max_poll_interval_ms: v.optional(positiveInt, 5000),
  notify: v.optional(v.boolean(), true),
  claim_batch_size: v.optional(positiveInt, 10),
  result_batch_size: v.optional(positiveInt, 50),
});

/** `[common.backoff]`: default retry backoff when a step's template says nothing. */
const backoffSchema = v.object({
  base_seconds: v.optional(v.pipe(v.number(), v.minValue(0)), 1),
  multiplier: v.optional(v.pipe(v.number(), v.minValue(1)), 2),
  max_seconds: v.optional(v.pipe(v.number(), v.minValue(0)), 3600),
  jitter_percent: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(100)), 15),
});

/** `[orchestration]`. */
const orchestrationSchema = v.object({
  enabled: v.optional(v.boolean(), true),
  sweep_interval_ms: v.optional(positiveInt, 5000),
  max_steps_per_decision: v.optional(positiveInt, 100),
  max_batch_workers: v.optional(positiveInt, 1000),
  /** Largest task input (encoded JSON, bytes) accepted on every path (library, CLI, HTTP): INPUT_TOO_LARGE beyond it. */
  max_task_input_bytes: v.optional(positiveInt, 1_048_576),
  staleness: v.optional(
    v.object({
      enabled: v.optional(v.boolean(), true),
      waiting_for_dependencies_minutes: v.optional(positiveInt, 60),
      waiting_for_retry_minutes: v.optional(positiveInt, 30),
      steps_in_process_minutes: v.optional(positiveInt, 30),
      enqueuing_steps_minutes: v.optional(positiveInt, 10),
      // finer thresholds (tests, short-lived workflows); when set they win over the *_minutes keys
      waiting_for_dependencies_seconds: v.optional(positiveInt),
      waiting_for_retry_seconds: v.optional(positiveInt),
      steps_in_process_seconds: v.optional(positiveInt),
      enqueuing_steps_seconds: v.optional(positiveInt),
      /** How often an orchestrator looks for stale tasks. */
      check_interval_seconds: v.optional(positiveInt, 60),
    }),
    {},
  ),
});

/** `[worker]`. */
const workerSchema = v.object({
  enabled: v.optional(v.boolean(), true),
  namespaces: v.optional(stringList, []),
  max_concurrent_handlers: v.optional(positiveInt, 10),
  handler_timeout_ms: v.optional(positiveInt, 300_000),
  heartbeat_interval_ms: v.optional(positiveInt, 10_000),
  shutdown_timeout_ms: v.optional(nonNegativeInt, 30_000),
  isolation: v.optional(v.picklist(['none', 'thread']), 'none'),
  thread_pool_size: v.optional(positiveInt, 2),
  /** Largest step result (encoded JSON, bytes) a handler may return; bigger is a permanent RESULT_TOO_LARGE failure. */
  max_result_bytes: v.optional(positiveInt, 1_048_576),
  /** How many levels of ancestors' results a step's handler receives in `dependencyResults` (1 = direct parents). */
  dependency_results_depth: v.optional(positiveInt, 50),
});

/** `[web]`; `enabled = false` is headless mode. */
const webSchema = v.object({
  enabled: v.optional(v.boolean(), true),
  bind_address: v.optional(v.pipe(v.string(), v.regex(/^[^:\s]+:\d{1,5}$/, 'host:port')), '127.0.0.1:8080'),
  max_body_bytes: v.optional(positiveInt, 1_048_576),
  /** `POST /v1/tasks/batch`: at most this many tasks per request (more is a 413). */
  max_batch_tasks: v.optional(positiveInt, 1000),
  /** `POST /v1/tasks/batch`: its body limit (a batch is larger than one request). */
  max_batch_body_bytes: v.optional(positiveInt, 33_554_432),
  /** The dashboard at /ui (same API key as /v1). */
  ui: v.optional(v.boolean(), true),
  auth: v.optional(v.object({ api_key: v.optional(v.string(), '') }), {}),
});

/** `[events]`: domain events (issue 15) — the outbox's retention and durable delivery to subscriber groups. */
const eventsSchema = v.object({
  enabled: v.optional(v.boolean(), true),
  /** Events (and their deliveries) older than this are deleted, delivered or not. */
  retention_hours: v.optional(positiveInt, 168),
  retention_check_interval_seconds: v.optional(positiveInt, 600),
  /** Deliveries of one event to one subscriber group: attempts before it is dead-lettered. */
  max_attempts: v.optional(positiveInt, 5),
  backoff_base_ms: v.optional(positiveInt, 1000),
  max_backoff_ms: v.optional(positiveInt, 60_000),
  /** How long a claimed delivery is ours; a subscriber process that dies loses it after this. */
  lease_seconds: v.optional(positiveInt, 30),
  /** Fallback poll (push wake-ups via LISTEN/NOTIFY come first); doubles while idle up to max_poll_interval_ms. */
  poll_interval_ms: v.optional(positiveInt, 1000),
  max_poll_interval_ms: v.optional(positiveInt, 5000),
  /** Deliveries claimed (and handled concurrently, one per task) per round. */
  batch_size: v.optional(positiveInt, 20),
});

/** The whole configuration; its output type is {@link TaskerConfig}, every key has a default. */
// `[[schedules]]`: cron schedules for templates the config does not own (issue 17; templates declare theirs in `schedules`)
const scheduleSchema = v.pipe(
  v.object({
    template: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_]{1,29}\/[^@\s]+(@\S+)?$/, 'expected "namespace/name" or "namespace/name@version"')),
    cron: v.string(),
    timezone: v.optional(v.string()),
    input: v.optional(v.record(v.string(), v.unknown()), {}),
    name: v.optional(v.pipe(v.string(), v.minLength(1))),
    backfill: v.optional(nonNegativeInt, 0),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const problem = cronProblem(dataset.value.cron, dataset.value.timezone);
    if (problem) addIssue({ message: problem, path: [{ type: 'object', origin: 'value', input: dataset.value, key: problem.startsWith('timezone') ? 'timezone' : 'cron', value: problem.startsWith('timezone') ? dataset.value.timezone : dataset.value.cron }] });
  }),
);

export const configSchema = v.object({
  /**
   * The environment this configuration is for: selects config/tasker/environments/<name>/ and the templates'
   * `environments.<name>` overrides. Set by `TASKER_ENV` (loadConfig); `development` when unset.
   */
  environment: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, "-" and "_" only')), 'development'),
  common: v.optional(
    v.object({
      database: v.optional(databaseSchema, {}),
      queues: v.optional(queuesSchema, {}),
      backoff: v.optional(backoffSchema, {}),
    }),
    {},
  ),
  orchestration: v.optional(orchestrationSchema, {}),
  worker: v.optional(workerSchema, {}),
  web: v.optional(webSchema, {}),
  events: v.optional(eventsSchema, {}),
  templates: v.optional(v.object({ paths: v.optional(stringList, ['./templates', './config/tasks']) }), {}),
  handlers: v.optional(v.object({ paths: v.optional(stringList, ['./handlers']) }), {}),
  schedules: v.optional(v.array(scheduleSchema), []),
  logging: v.optional(
    v.object({ level: v.optional(logLevel, 'info'), format: v.optional(v.picklist(['auto', 'pretty', 'json']), 'auto') }),
    {},
  ),
});

/** The validated, fully-defaulted configuration. */
export type TaskerConfig = v.InferOutput<typeof configSchema>;

/** Configuration input as written in TOML (every key optional). */
export type TaskerConfigInput = v.InferInput<typeof configSchema>;
