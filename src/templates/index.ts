// Public surface of task templates (DESIGN §5).
export type {
  BackoffKind, BatchConfig, FailureStrategy, HandlerRef, IdentityStrategy, Problem, RetryPolicy, StepTemplate,
  StepType, TaskTemplate, TemplateLoadOptions,
} from './types.ts';
export { BackoffKinds, DEFAULT_BATCH, DEFAULT_RETRY, FailureStrategies, IdentityStrategies, StepTypes } from './types.ts';
export { parseTemplate, type ParseResult } from './parse.ts';
export { validateTemplate, type ValidateOptions } from './validate.ts';
export { loadTemplates, templateKey, type LoadResult, type TemplateFiles } from './load.ts';
export { initialStepNames, stepsReachableFrom } from './graph.ts';
export { compileInputValidator, type InputValidator, type InputViolation } from './input-schema.ts';
export { formatProblems, runValidate, type ProblemFormat, type RunValidateOptions, type RunValidateResult } from './report.ts';
export type { Locator } from './source.ts';
