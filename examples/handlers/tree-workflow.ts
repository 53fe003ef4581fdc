// Handlers of the tree_workflow example (class-based): root n²; left root+1, right root×2; leaves d = left×2,
// e = left+3, f = right−1, g = right÷2; final = d+e+f+g. n = 6 gives 36, 37, 72, 74, 40, 71, 36, 221.
// Imports the handler API directly until src/index.ts exists.
import { PermanentError, StepHandler, type StepContext, type StepHandlerResult } from '../../src/index.ts';

/** A handler computing `value` from the value of one parent step. */
abstract class FromParent extends StepHandler {
  abstract readonly parent: string;
  abstract compute(parentValue: number): number;
  async call(context: StepContext): Promise<StepHandlerResult> {
    return this.success({ value: this.compute(context.getDependencyResult(this.parent).value) });
  }
}

/** tree_root: squares the task's `even_number`. */
export class TreeRootHandler extends StepHandler {
  static override handlerName = 'tree_root_handler';
  async call(context: StepContext): Promise<StepHandlerResult> {
    const n = context.getInput<number>('even_number');
    if (typeof n !== 'number' || n % 2 !== 0) throw new PermanentError(`even_number must be an even number, got ${String(n)}`);
    return this.success({ value: n * n });
  }
}

/** tree_branch_left: root + 1. */
export class TreeBranchLeftHandler extends FromParent {
  static override handlerName = 'tree_branch_left_handler';
  readonly parent = 'tree_root';
  compute(v: number): number {
    return v + 1;
  }
}

/** tree_branch_right: root × 2. */
export class TreeBranchRightHandler extends FromParent {
  static override handlerName = 'tree_branch_right_handler';
  readonly parent = 'tree_root';
  compute(v: number): number {
    return v * 2;
  }
}

/** tree_leaf_d: left × 2. */
export class TreeLeafDHandler extends FromParent {
  static override handlerName = 'tree_leaf_d_handler';
  readonly parent = 'tree_branch_left';
  compute(v: number): number {
    return v * 2;
  }
}

/** tree_leaf_e: left + 3. */
export class TreeLeafEHandler extends FromParent {
  static override handlerName = 'tree_leaf_e_handler';
  readonly parent = 'tree_branch_left';
  compute(v: number): number {
    return v + 3;
  }
}

/** tree_leaf_f: right − 1. */
export class TreeLeafFHandler extends FromParent {
  static override handlerName = 'tree_leaf_f_handler';
  readonly parent = 'tree_branch_right';
  compute(v: number): number {
    return v - 1;
  }
}

/** tree_leaf_g: right ÷ 2. */
export class TreeLeafGHandler extends FromParent {
  static override handlerName = 'tree_leaf_g_handler';
  readonly parent = 'tree_branch_right';
  compute(v: number): number {
    return v / 2;
  }
}

/** tree_final_convergence: d + e + f + g. */
export class TreeFinalConvergenceHandler extends StepHandler {
  static override handlerName = 'tree_final_convergence_handler';
  async call(context: StepContext): Promise<StepHandlerResult> {
    const leaves = ['tree_leaf_d', 'tree_leaf_e', 'tree_leaf_f', 'tree_leaf_g'];
    return this.success({ value: leaves.reduce((sum, step) => sum + context.getDependencyResult(step).value, 0) });
  }
}
