import { defineCommand } from 'citty';
import { commonArgs, readJsonArg, setup } from './shared.ts';
import type { StepAction } from '../orchestration/step-actions.ts';
import { remoteArgs, withTaskBackend } from './task-backend.ts';
import { renderTaskMermaid } from '../orchestration/visualize.ts';
import { TaskerError } from '../errors.ts';

const actorArgs = {
  reason: { type: 'string', description: 'why (stored in the audit trail)' },
  actor: { type: 'string', description: 'who (default: the OS user)' },
  ...remoteArgs,
} as const;

function actorOf(args: Record<string, unknown>, env: Readonly<Record<string, string | undefined>>): string {
  return (args.actor as string | undefined) ?? env.USER ?? env.USERNAME ?? 'tasker-cli';
}

/** `tasker task cancel <uuid>`. */
export const cancel = defineCommand({
  meta: { name: 'cancel', description: 'Cancel a task and its unfinished steps; running handlers see their AbortSignal fire — example: tasker task cancel 0192f2a4-… --reason "customer withdrew"' },
  args: { ...commonArgs, ...actorArgs, uuid: { type: 'positional', required: true, description: 'task uuid' }, format: { type: 'string', description: 'text|json', default: 'text' } },
  async run({ args }) {
    const ctx = await setup(args);
    const result = await withTaskBackend(ctx, args, (backend) =>
      backend.cancel(String(args.uuid), { actor: actorOf(args, ctx.runtime.env), reason: (args.reason as string | undefined) ?? null }),
    );
    ctx.runtime.writeStdout(
      args.format === 'json'
        ? JSON.stringify(result, null, 2) + '\n'
        : `cancelled task ${result.task_uuid}${result.previous_state ? ` (was ${result.previous_state})` : ''}; ${result.cancelled_steps.length} step(s) cancelled, ${result.aborted_steps.length} running handler(s) told to abort\n`,
    );
    return 0;
  },
});

function stepCommand(action: StepAction, name: string, description: string) {
  return defineCommand({
    meta: { name, description },
    args: {
      ...commonArgs,
      ...actorArgs,
      uuid: { type: 'positional', required: true, description: 'task uuid' },
      step: { type: 'positional', required: true, description: 'step name or uuid' },
      ...(action === 'complete_manually' ? { result: { type: 'string', description: 'the result dependents will read: JSON object or @file', required: true } } : {}),
      format: { type: 'string', description: 'text|json', default: 'text' },
    },
    async run({ args }) {
      const ctx = await setup(args);
      const result = action === 'complete_manually' ? await readJsonArg(ctx.runtime, args.result, 'result') : null;
      if (action === 'complete_manually' && (result === null || typeof result !== 'object' || Array.isArray(result))) {
        throw new TaskerError('USAGE', '--result must be a JSON object', { hint: `e.g. --result '{"approved": true}'` });
      }
      const out = await withTaskBackend(ctx, args, (backend) =>
        backend.stepAction(String(args.uuid), String(args.step), {
          action,
          actor: actorOf(args, ctx.runtime.env),
          reason: (args.reason as string | undefined) ?? null,
          result: result as Record<string, unknown> | null,
        }),
      );
      const { outcome: _outcome, ...shown } = out as typeof out & { outcome?: unknown };
      ctx.runtime.writeStdout(
        args.format === 'json'
          ? JSON.stringify(shown, null, 2) + '\n'
          : `step ${out.step_name}: ${out.from_state} → ${out.to_state}; task is now ${out.task_state}\n`,
      );
      return 0;
    },
  });
}

/** `tasker task reset-step <uuid> <step>`. */
export const resetStep = stepCommand('reset_for_retry', 'reset-step', 'Put a failed step back to pending with its attempts reset — example: tasker task reset-step 0192f2a4-… fetch_resource --reason "upstream fixed"');
/** `tasker task resolve-step <uuid> <step>`. */
export const resolveStep = stepCommand('resolve_manually', 'resolve-step', 'Mark a step resolved by hand; its dependents may run — example: tasker task resolve-step 0192f2a4-… fetch_resource --reason "done by hand"');
/** `tasker task complete-step <uuid> <step> --result JSON`. */
export const completeStep = stepCommand('complete_manually', 'complete-step', `Complete a step with a given result that dependents read — example: tasker task complete-step 0192f2a4-… fetch_resource --result '{"id": 7}'`);

/** `tasker task visualize <uuid>`. */
export const visualize = defineCommand({
  meta: { name: 'visualize', description: 'Draw a task DAG with each step\'s state as Mermaid (or JSON) — example: tasker task visualize 0192f2a4-… > task.mmd' },
  args: { ...commonArgs, ...remoteArgs, uuid: { type: 'positional', required: true, description: 'task uuid' }, format: { type: 'string', description: 'mermaid|json', default: 'mermaid' } },
  async run({ args }) {
    const ctx = await setup(args);
    const steps = await withTaskBackend(ctx, args, (backend) => backend.steps(String(args.uuid)));
    const out = args.format === 'json' ? JSON.stringify(renderTaskMermaid(steps, { format: 'json' }), null, 2) : renderTaskMermaid(steps);
    ctx.runtime.writeStdout(out.replace(/\n?$/, '\n'));
    return 0;
  },
});
