// Handlers of the mixed_dag_workflow example (functional API): init n²; left init+5, right init×3;
// validate left+right, transform left×2, analyze right−7; finalize validate+transform+analyze.
// n = 6 gives 36, 41, 108, 149, 82, 101, 332. Imports the handler API directly until src/index.ts exists.
import { PermanentError, defineHandler } from '../../src/index.ts';

/** dag_init: squares the task's `even_number`. */
export const DagInitHandler = defineHandler('dag_init_handler', { inputs: { n: 'even_number' } }, ({ n }) => {
  if (typeof n !== 'number' || n % 2 !== 0) throw new PermanentError(`even_number must be an even number, got ${String(n)}`);
  return { value: n * n };
});

/** dag_process_left: init + 5. */
export const DagProcessLeftHandler = defineHandler('dag_process_left_handler', { depends: { init: 'dag_init' } }, ({ init }) => ({
  value: init.value + 5,
}));

/** dag_process_right: init × 3. */
export const DagProcessRightHandler = defineHandler('dag_process_right_handler', { depends: { init: 'dag_init' } }, ({ init }) => ({
  value: init.value * 3,
}));

/** dag_validate: left + right. */
export const DagValidateHandler = defineHandler(
  'dag_validate_handler',
  { depends: { left: 'dag_process_left', right: 'dag_process_right' } },
  ({ left, right }) => ({ value: left.value + right.value }),
);

/** dag_transform: left × 2. */
export const DagTransformHandler = defineHandler('dag_transform_handler', { depends: { left: 'dag_process_left' } }, ({ left }) => ({
  value: left.value * 2,
}));

/** dag_analyze: right − 7. */
export const DagAnalyzeHandler = defineHandler('dag_analyze_handler', { depends: { right: 'dag_process_right' } }, ({ right }) => ({
  value: right.value - 7,
}));

/** dag_finalize: validate + transform + analyze. */
export const DagFinalizeHandler = defineHandler(
  'dag_finalize_handler',
  { depends: ['dag_validate', 'dag_transform', 'dag_analyze'] },
  ({ dag_validate, dag_transform, dag_analyze }) => ({ value: dag_validate.value + dag_transform.value + dag_analyze.value }),
);
