// Handlers of the diamond_workflow example (functional API): start n², b = start+25, c = start×2, end = b+c;
// n = 6 gives 36, 61, 72, 133. Imports the handler API directly until src/index.ts exists.
import { PermanentError, defineHandler } from '../../src/index.ts';

/** diamond_start: squares the task's `even_number`. */
export const DiamondStartHandler = defineHandler('diamond_start_handler', { inputs: { n: 'even_number' } }, ({ n }) => {
  if (typeof n !== 'number' || n % 2 !== 0) throw new PermanentError(`even_number must be an even number, got ${String(n)}`);
  return { value: n * n };
});

/** diamond_branch_b: start + 25. */
export const DiamondBranchBHandler = defineHandler('diamond_branch_b_handler', { depends: { start: 'diamond_start' } }, ({ start }) => ({
  value: start.value + 25,
}));

/** diamond_branch_c: start × 2. */
export const DiamondBranchCHandler = defineHandler('diamond_branch_c_handler', { depends: { start: 'diamond_start' } }, ({ start }) => ({
  value: start.value * 2,
}));

/** diamond_end: b + c. */
export const DiamondEndHandler = defineHandler(
  'diamond_end_handler',
  { depends: { b: 'diamond_branch_b', c: 'diamond_branch_c' } },
  ({ b, c }) => ({ value: b.value + c.value }),
);
