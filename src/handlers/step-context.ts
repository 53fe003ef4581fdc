import { silentLogger } from '../logging.ts';
/** Structured logger handed to handlers; `fields` are merged into the log record. */
export interface StepLogger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** A stored batch-worker checkpoint: where to resume and what was accumulated so far. */
export interface StepCheckpoint {
  cursor: unknown;
  items_processed: number;
  accumulated_results: Record<string, unknown> | null;
  history?: unknown[];
}

/** Plain data a {@link StepContext} is built from (what the worker loads for one claimed step). */
export interface StepContextData {
  taskUuid: string;
  stepUuid: string;
  correlationId: string;
  handlerName: string;
  stepName: string;
  namespace: string;
  /** The task input. */
  inputData: Record<string, unknown>;
  /** Every completed ancestor's stored result JSON (snake_case `StepHandlerResult.toJSON()`), by step name. */
  dependencyResults: Record<string, unknown>;
  /** The step's `handler.initialization` map. */
  stepConfig: Record<string, unknown>;
  /** The step's own inputs (batch cursor, `is_no_op`...). */
  stepInputs: Record<string, unknown>;
  /** Executions before this one (0 on the first run). */
  retryCount: number;
  /** The step's `max_attempts`. */
  maxRetries: number;
  checkpoint: StepCheckpoint | null;
  signal: AbortSignal;
  logger: StepLogger;
}


function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Everything a handler may read about the step it runs: task input, parent results, config, retry state. */
export class StepContext {
  readonly taskUuid: string;
  readonly stepUuid: string;
  readonly correlationId: string;
  readonly handlerName: string;
  readonly stepName: string;
  readonly namespace: string;
  readonly inputData: Record<string, unknown>;
  readonly dependencyResults: Record<string, unknown>;
  readonly stepConfig: Record<string, unknown>;
  readonly stepInputs: Record<string, unknown>;
  readonly retryCount: number;
  readonly maxRetries: number;
  readonly checkpoint: StepCheckpoint | null;
  readonly signal: AbortSignal;
  readonly logger: StepLogger;

  constructor(data: StepContextData) {
    this.taskUuid = data.taskUuid;
    this.stepUuid = data.stepUuid;
    this.correlationId = data.correlationId;
    this.handlerName = data.handlerName;
    this.stepName = data.stepName;
    this.namespace = data.namespace;
    this.inputData = data.inputData;
    this.dependencyResults = data.dependencyResults;
    this.stepConfig = data.stepConfig;
    this.stepInputs = data.stepInputs;
    this.retryCount = data.retryCount;
    this.maxRetries = data.maxRetries;
    this.checkpoint = data.checkpoint;
    this.signal = data.signal;
    this.logger = data.logger;
  }

  /** The task input value under `key` (undefined when absent). */
  getInput<T = unknown>(key: string): T | undefined {
    return this.inputData[key] as T | undefined;
  }

  /** The task input value under `key`, or `defaultValue` when it is undefined. */
  getInputOr<T = unknown>(key: string, defaultValue: T): T {
    const value = this.inputData[key];
    return value === undefined ? defaultValue : (value as T);
  }

  /** The step configuration (`handler.initialization`) value under `key`. */
  getConfig<T = unknown>(key: string): T | undefined {
    return this.stepConfig[key] as T | undefined;
  }

  /** A parent's `.result` (or its raw stored value when it has no `result` key); null when missing. */
  getDependencyResult<T = any>(stepName: string): T {
    const stored = this.dependencyResults[stepName];
    if (stored === undefined || stored === null) return null as T;
    if (isObject(stored) && 'result' in stored) return stored.result as T;
    return stored as T;
  }

  /** A nested field of a parent's result, e.g. `getDependencyField('fetch', 'body', 'id')`; null when missing. */
  getDependencyField(stepName: string, ...path: string[]): unknown {
    let value: unknown = this.getDependencyResult(stepName);
    for (const key of path) {
      if (!isObject(value)) return null;
      value = value[key];
    }
    return value ?? null;
  }

  /** Names of every step whose result is available. */
  getDependencyResultKeys(): string[] {
    return Object.keys(this.dependencyResults);
  }

  /** Unwrapped results of every dependency whose step name starts with `prefix` (nulls skipped). */
  getAllDependencyResults(prefix: string): unknown[] {
    const out: unknown[] = [];
    for (const key of Object.keys(this.dependencyResults)) {
      if (!key.startsWith(prefix)) continue;
      const value = this.getDependencyResult(key);
      if (value !== null) out.push(value);
    }
    return out;
  }

  /** True when this is not the first execution of the step. */
  isRetry(): boolean {
    return this.retryCount > 0;
  }

  /** True when this execution is the last one allowed by `max_attempts`. */
  isLastRetry(): boolean {
    return this.retryCount >= this.maxRetries - 1;
  }

  /** The checkpoint cursor to resume from, or null. */
  get checkpointCursor(): unknown {
    return this.checkpoint?.cursor ?? null;
  }

  /** Items processed as of the last checkpoint (0 without one). */
  get checkpointItemsProcessed(): number {
    return this.checkpoint?.items_processed ?? 0;
  }

  /** Partial results carried across checkpoints, or null. */
  get accumulatedResults(): Record<string, unknown> | null {
    return this.checkpoint?.accumulated_results ?? null;
  }

  /** True when a checkpoint with a cursor exists for this step. */
  hasCheckpoint(): boolean {
    return this.checkpointCursor !== null;
  }
}

/** Builds a {@link StepContext} from plain data; omitted fields get empty/zero defaults, a never-aborting signal and a silent logger. */
export function createStepContext(data: Partial<StepContextData> = {}): StepContext {
  const handlerName = data.handlerName ?? '';
  return new StepContext({
    taskUuid: data.taskUuid ?? '',
    stepUuid: data.stepUuid ?? '',
    correlationId: data.correlationId ?? '',
    handlerName,
    stepName: data.stepName ?? handlerName,
    namespace: data.namespace ?? '',
    inputData: data.inputData ?? {},
    dependencyResults: data.dependencyResults ?? {},
    stepConfig: data.stepConfig ?? {},
    stepInputs: data.stepInputs ?? {},
    retryCount: data.retryCount ?? 0,
    maxRetries: data.maxRetries ?? 3,
    checkpoint: data.checkpoint ?? null,
    signal: data.signal ?? new AbortController().signal,
    logger: data.logger ?? silentLogger,
  });
}
