import type { TaskerConfig, TaskerConfigInput } from '../config/schema.ts';
import type { Db } from '../db/types.ts';
import type { HandlerRegistry } from '../handlers/registry.ts';
import type { Logger } from '../logging.ts';
import type { Orchestrator } from '../orchestration/orchestrator.ts';
import type { CompletionHook } from '../orchestration/result-processor.ts';
import type { Runtime } from '../runtime/index.ts';
import type { TaskTemplate } from '../templates/types.ts';
import type { DiscoveredHandler } from '../worker/discovery.ts';
import type { Worker } from '../worker/worker.ts';
import type { TaskOperations } from './operations.ts';
import type { DomainEvents } from '../events/service.ts';
import type { PublisherRegistry } from '../events/publisher-registry.ts';
import type { SubscriberRegistry } from '../events/subscriber.ts';

/** Options of {@link createTasker}. */
export interface TaskerOptions {
  /** Configuration: a full config (from `loadConfig`) or a partial one; defaults fill the rest. */
  config?: TaskerConfig | TaskerConfigInput;
  runtime?: Runtime;
  /** Use this database instead of opening one from the config (it is not closed by `stop()`). */
  db?: Db;
  logger?: Logger;
  /** A registry with handlers registered in code; discovered handlers are added to it. */
  registry?: HandlerRegistry;
  /** Templates given in code, in addition to those found under the template paths. */
  templates?: TaskTemplate[];
  /** Load templates from `[templates] paths` (default true). */
  loadTemplatePaths?: boolean;
  /** Discover handlers under `[handlers] paths` (default true). */
  discoverHandlerPaths?: boolean;
  /** Fail `start()` when a handler module fails to import (default: log it and go on without its handlers). */
  strictHandlers?: boolean;
  /** Which roles to run (defaults from `[orchestration] enabled` and `[worker] enabled`). */
  roles?: { orchestrator?: boolean; worker?: boolean };
  /** Extra completion hooks run inside result processing, after the built-in decision and batch hooks. */
  hooks?: CompletionHook[];
  /** Extra hooks for steps that just failed permanently, after the built-in fail_fast hook. */
  failureHooks?: CompletionHook[];
  /** Domain event publishers registered in code; discovered ones are added (issue 15). */
  publishers?: PublisherRegistry;
  /** Domain event subscribers registered in code; discovered ones are added. */
  subscribers?: SubscriberRegistry;
}

/** A finished task, as delivered to {@link Tasker.onTaskFinished}. */
export interface FinishedTask {
  taskUuid: string;
  state: string;
}

/**
 * The engine as a library (DESIGN §9.7): the same engine `tasker run` hosts, without the HTTP server.
 * The task operations are {@link TaskOperations} (shared with the CLI's local mode); the engine adds its
 * lifecycle, its roles and in-process notifications.
 */
export interface Tasker extends TaskOperations {
  readonly config: TaskerConfig;
  readonly registry: HandlerRegistry;
  readonly templates: TaskTemplate[];
  readonly handlers: DiscoveredHandler[];
  readonly workerId: string;
  /** The open database (after `start()`). */
  readonly db: Db;
  readonly orchestrator: Orchestrator | null;
  readonly worker: Worker | null;
  /** Namespaces this process's worker consumes. */
  readonly namespaces: string[];
  /** Domain events: publishing, the subscribers hosted here, counters. */
  readonly events: DomainEvents;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves when the task reaches a terminal state (or rejects with TIMEOUT). */
  waitForTask(taskUuid: string, options?: { timeoutMs?: number }): Promise<import('../orchestration/task-queries.ts').TaskView>;
  /** Subscribes to tasks finishing in this process's orchestrator. */
  onTaskFinished(fn: (task: FinishedTask) => void): () => void;
}
