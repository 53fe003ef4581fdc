// One execution of one claimed step: plan (template, handler, timeout), run the handler against its
// deadline, and for batch workers the checkpoint loop that re-runs the same claim from a saved cursor.
import type { Logger } from '../logging.ts';
import type { HandlerRegistry } from '../handlers/registry.ts';
import { createStepContext, type StepCheckpoint } from '../handlers/step-context.ts';
import { StepHandlerResult } from '../handlers/step-handler-result.ts';
import { extractCheckpointYield } from '../handlers/batch-worker.ts';
import { ErrorType } from '../handlers/error-type.ts';
import type { ResolvedHandler } from '../handlers/resolvers.ts';
import type { StepTemplate, TaskTemplate } from '../templates/types.ts';
import { executeHandler, handlerNotFoundResult } from './handler-executor.ts';
import type { ClaimedStep } from './step-claimer.ts';
import type { StepStore } from './step-store.ts';
import type { ThreadPool } from './thread-pool.ts';
import { AbortKind, abortKindOf, abortWith } from './abort.ts';

/** Looks up the template of a claimed step's task by its named_task_id. */
export type TemplateLookup = (namedTaskId: number) => Promise<TaskTemplate>;

/** What {@link executeStep} needs from its worker. */
export interface ExecutionDeps {
  registry: HandlerRegistry;
  templateOf: TemplateLookup;
  store: StepStore;
  threadPool?: ThreadPool;
  defaultTimeoutMs: number;
  /** Runs after the plan and before the handler's first run (rate limits wait here, outside the step timeout). */
  beforeRun?: (step: ClaimedStep, template: TaskTemplate, callable: string, signal: AbortSignal) => Promise<void>;
}

/** How an execution ended. */
export interface ExecutionOutcome {
  /** The callable that ran (the template step name when the template has none). */
  handler: string;
  /** The handler's result, or null when there is nothing to record (the lease was lost while checkpointing). */
  result: StepHandlerResult | null;
}

interface Plan {
  callable: string;
  stepTemplate: StepTemplate | undefined;
  resolved: ResolvedHandler | null;
  timeoutMs: number;
  template: TaskTemplate;
}

async function plan(deps: ExecutionDeps, step: ClaimedStep): Promise<Plan> {
  const template = await deps.templateOf(step.named_task_id);
  const stepTemplate = template.steps.find((s) => s.name === step.template_step_name);
  const callable = stepTemplate?.handler.callable ?? step.template_step_name;
  const timeoutMs = stepTemplate?.timeoutSeconds ? stepTemplate.timeoutSeconds * 1000 : deps.defaultTimeoutMs;
  const resolved = stepTemplate
    ? await deps.registry.resolve({ callable, method: stepTemplate.handler.method, resolver: stepTemplate.handler.resolver })
    : null;
  return { callable, stepTemplate, resolved, timeoutMs, template };
}

/** Runs one handler invocation until it settles or `controller` aborts (timeout included); never rejects. */
async function runWithDeadline(deps: ExecutionDeps, p: Plan, step: ClaimedStep, checkpoint: StepCheckpoint | null, controller: AbortController, log: Logger): Promise<StepHandlerResult> {
  const timer = setTimeout(() => abortWith(controller, AbortKind.TIMEOUT, `step exceeded its timeout of ${p.timeoutMs} ms`), p.timeoutMs);
  const data = {
    taskUuid: step.task_uuid,
    stepUuid: step.step_uuid,
    correlationId: step.correlation_id,
    handlerName: p.callable,
    stepName: step.name,
    namespace: step.namespace,
    inputData: step.context ?? {},
    dependencyResults: step.dependency_results ?? {},
    stepConfig: p.stepTemplate?.handler.initialization ?? {},
    stepInputs: step.inputs ?? {},
    retryCount: step.attempts - 1,
    maxRetries: step.max_attempts,
    checkpoint,
  };
  const pool = deps.threadPool;
  const spec = { callable: p.callable, method: p.stepTemplate?.handler.method, resolver: p.stepTemplate?.handler.resolver };
  const run = pool && pool.has(p.callable)
    ? pool.run(spec, data, controller.signal)
    : executeHandler(p.resolved!, createStepContext({ ...data, signal: controller.signal, logger: log.child({ handler: p.callable }) }));
  let onAbort: (() => void) | undefined;
  try {
    // a handler that ignores its AbortSignal still loses the race against the timeout
    return await Promise.race([
      run,
      new Promise<StepHandlerResult>((resolve) => {
        onAbort = () => resolve(abortResult(controller.signal, p.timeoutMs));
        if (controller.signal.aborted) onAbort();
        else controller.signal.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) controller.signal.removeEventListener('abort', onAbort);
  }
}

/** Plans and runs a claimed step, checkpoint loop included (DESIGN §6.6.3, §6.8). */
export async function executeStep(deps: ExecutionDeps, step: ClaimedStep, controller: AbortController, log: Logger): Promise<ExecutionOutcome> {
  let handler = step.template_step_name;
  try {
    const p = await plan(deps, step);
    handler = p.callable;
    if (!p.resolved) return { handler, result: handlerNotFoundResult(p.callable) };
    if (deps.beforeRun) await deps.beforeRun(step, p.template, p.callable, controller.signal);
    let checkpoint = (step.checkpoint as StepCheckpoint | null) ?? null;
    for (;;) {
      const result = await runWithDeadline(deps, p, step, checkpoint, controller, log);
      const yielded = extractCheckpointYield(result);
      if (!yielded || controller.signal.aborted) return { handler, result };
      // checkpoint: persist, then run the same claimed step again from the new cursor
      checkpoint = { ...yielded, history: undefined };
      const lease = { stepUuid: step.step_uuid, claimToken: step.claim_token, msgId: step.msg_id };
      if (!(await deps.store.checkpoint(lease, yielded as unknown as Record<string, unknown>))) {
        log.warn('lease lost while checkpointing; stopping this execution');
        return { handler, result: null };
      }
    }
  } catch (err) {
    const result = StepHandlerResult.failure(`worker error while running the step: ${(err as Error).message}`, ErrorType.HANDLER_ERROR, true, {
      error_class: (err as Error).name,
      stack: (err as Error).stack,
    });
    return { handler, result };
  }
}

function abortResult(signal: AbortSignal, timeoutMs: number): StepHandlerResult {
  const kind = abortKindOf(signal);
  if (kind === AbortKind.TIMEOUT) {
    return StepHandlerResult.failure(`step timed out after ${timeoutMs} ms`, ErrorType.TIMEOUT, true, { timeout_ms: timeoutMs });
  }
  const reason = signal.reason as Error | undefined;
  return StepHandlerResult.failure(`step aborted: ${reason?.message ?? 'aborted'}`, ErrorType.HANDLER_ERROR, true, { aborted: kind ?? reason?.name ?? 'AbortError' });
}
