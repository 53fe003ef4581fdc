import type { TaskerConfig } from '../config/schema.ts';
import type { Tasker } from '../engine/index.ts';
import type { Logger } from '../logging.ts';
import type { TemplateStore } from '../templates/store.ts';
import type { Runtime } from '../runtime/types.ts';
import type { MetricsState } from './metrics-state.ts';

/** What every route handler can use: the engine, its config and the app's own state. */
export interface HttpContext {
  tasker: Tasker;
  config: TaskerConfig;
  runtime?: Runtime;
  logger: Logger;
  /** Template lookups for `/v1/templates` (reads the database; any process's templates). */
  templates: TemplateStore;
  /** Counters and the duration histogram kept across scrapes. */
  metrics: MetricsState;
  /** True once the engine's roles are running (the readiness probe's last condition). */
  rolesStarted: () => boolean;
  /** Age in seconds of the oldest visible message after which a queue counts as starved. */
  starvationSeconds: number;
  startedAt: Date;
}
