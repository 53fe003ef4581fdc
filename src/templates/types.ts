import type { ErrorCode } from '../errors.ts';
// The normalized template model: what the parser produces, the validator checks and the engine stores as JSON.
import type { EventCatalogEntry, EventDeclaration } from '../events/types.ts';
import type { TemplateSchedule } from './schedules.ts';
import type { ConcurrencyLimit } from '../scheduling/concurrency.ts';
import type { RateLimit } from '../scheduling/rate-limit.ts';

/** The kinds of step a template can declare (DESIGN §5, §6.7, §6.8). */
export const StepTypes = ['standard', 'decision', 'deferred_convergence', 'batchable', 'batch_worker'] as const;
/** One of {@link StepTypes}. */
export type StepType = (typeof StepTypes)[number];

/** Backoff strategies a step's retry policy may name. */
export const BackoffKinds = ['exponential', 'linear', 'fibonacci', 'none'] as const;
/** One of {@link BackoffKinds}. */
export type BackoffKind = (typeof BackoffKinds)[number];

/** What a batch does when one of its workers fails. */
export const FailureStrategies = ['continue_on_failure', 'fail_fast', 'isolate'] as const;
/** One of {@link FailureStrategies}. */
export type FailureStrategy = (typeof FailureStrategies)[number];

/** How a task's identity hash is computed at creation (DESIGN §6.4). */
export const IdentityStrategies = ['strict', 'caller_provided', 'always_unique'] as const;
/** One of {@link IdentityStrategies}. */
export type IdentityStrategy = (typeof IdentityStrategies)[number];

/** Retry settings of a step; `maxAttempts` counts every execution including the first. */
export interface RetryPolicy {
  retryable: boolean;
  maxAttempts: number;
  backoff: BackoffKind;
  backoffBaseMs: number;
  maxBackoffMs: number;
}

/** Batch settings of a batchable (or, in original-system templates, batch_worker) step. */
export interface BatchConfig {
  batchSize: number;
  parallelism: number;
  cursorField: string;
  workerTemplate: string;
  failureStrategy: FailureStrategy;
}

/** Which handler runs a step and the static configuration it receives. */
export interface HandlerRef {
  callable: string;
  method?: string;
  resolver?: string;
  initialization: Record<string, unknown>;
}

/** One step of a template, normalized (defaults applied, aliases resolved). */
export interface StepTemplate {
  name: string;
  description?: string;
  type: StepType;
  dependencies: string[];
  handler: HandlerRef;
  retry: RetryPolicy;
  timeoutSeconds: number | null;
  batchConfig: BatchConfig | null;
  /** Events this step publishes (`publishes_events`, issue 15). */
  publishesEvents: EventDeclaration[];
  resultSchema: unknown | null;
  /** Starts per second of this step's handler, shared by every template using it (issue 17). */
  rateLimit?: RateLimit;
}

/** A whole workflow template, normalized. */
export interface TaskTemplate {
  name: string;
  namespace: string;
  version: string;
  description?: string;
  metadata: Record<string, unknown>;
  inputSchema: Record<string, unknown> | null;
  identityStrategy: IdentityStrategy;
  steps: StepTemplate[];
  /** The top-level `domain_events` catalogue (empty: any event name may be published). */
  domainEvents?: EventCatalogEntry[];
  /** Staleness thresholds and actions (see `templates/lifecycle.ts`). */
  lifecycle: Record<string, number | string | boolean>;
  /** Cron schedules that create tasks of this template (issue 17). */
  schedules?: TemplateSchedule[];
  /** Limits on how many of its tasks run at once (issue 17). */
  concurrency?: ConcurrencyLimit[];
  /** Starts per second of this template's steps, across processes (issue 17). */
  rateLimit?: RateLimit;
  sourceFile?: string;
}

/** One finding about a template file: `path` is a field path such as `steps[2].dependencies[0]`. */
export interface Problem {
  severity: 'error' | 'warning';
  file: string;
  line?: number;
  path: string;
  message: string;
  /** The error code, for problems that have their own (`HANDLER_NOT_FOUND` from `validate --handlers`). */
  code?: ErrorCode;
}

/** Retry policy used for every field a step leaves out. */
export const DEFAULT_RETRY: Readonly<RetryPolicy> = Object.freeze({
  retryable: true,
  maxAttempts: 3,
  backoff: 'exponential',
  backoffBaseMs: 1000,
  maxBackoffMs: 30000,
});

/** Batch settings used for every field a batch_config leaves out (worker_template has no default). */
export const DEFAULT_BATCH: Readonly<Omit<BatchConfig, 'workerTemplate'>> = Object.freeze({
  batchSize: 100,
  parallelism: 1,
  cursorField: 'id',
  failureStrategy: 'continue_on_failure',
});

/** Options shared by the parse and load functions: `env` selects the `environments.<env>` overrides. */
export interface TemplateLoadOptions {
  env?: string | null;
}
