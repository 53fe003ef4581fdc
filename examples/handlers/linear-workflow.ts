// Handlers of the linear_workflow example (class-based): n² → +10 → ×3 → ÷2; n = 6 gives 36, 46, 138, 69.
// Imports the handler API directly until src/index.ts (which re-exports it) exists.
import { PermanentError, StepHandler, type StepContext, type StepHandlerResult } from '../../src/index.ts';

function evenNumber(context: StepContext): number {
  const n = context.getInput<number>('even_number');
  if (typeof n !== 'number' || n % 2 !== 0) throw new PermanentError(`even_number must be an even number, got ${String(n)}`);
  return n;
}

/** linear_step_1: squares the task's `even_number`. */
export class LinearStep1Handler extends StepHandler {
  static override handlerName = 'linear_step_1_handler';
  async call(context: StepContext): Promise<StepHandlerResult> {
    const n = evenNumber(context);
    return this.success({ value: n * n });
  }
}

/** linear_step_2: adds 10 to step 1. */
export class LinearStep2Handler extends StepHandler {
  static override handlerName = 'linear_step_2_handler';
  async call(context: StepContext): Promise<StepHandlerResult> {
    return this.success({ value: context.getDependencyResult('linear_step_1').value + 10 });
  }
}

/** linear_step_3: multiplies step 2 by 3. */
export class LinearStep3Handler extends StepHandler {
  static override handlerName = 'linear_step_3_handler';
  async call(context: StepContext): Promise<StepHandlerResult> {
    return this.success({ value: context.getDependencyResult('linear_step_2').value * 3 });
  }
}

/** linear_step_4: halves step 3. */
export class LinearStep4Handler extends StepHandler {
  static override handlerName = 'linear_step_4_handler';
  async call(context: StepContext): Promise<StepHandlerResult> {
    return this.success({ value: context.getDependencyResult('linear_step_3').value / 2 });
  }
}
