// tasker's public API: the engine as a library, the handler API, templates, configuration, errors.
export * from './handlers/index.ts';
export { createTasker, resolveConfig, type Tasker, type TaskerOptions, type FinishedTask } from './engine.ts';
export type { CreateTaskRequest, CreatedTask } from './orchestration/task-creator.ts';
export type { TaskView, StepView, TaskFilter } from './orchestration/task-queries.ts';
export { TaskState, StepState } from './orchestration/states.ts';
export { loadConfig, redactConfig, type TaskerConfig, type TaskerConfigInput } from './config/index.ts';
export { parseTemplate, validateTemplate, loadTemplates, type TaskTemplate, type StepTemplate, type Problem } from './templates/index.ts';
export { discoverHandlers } from './worker/discovery.ts';
export { TaskerError, isTaskerError, ErrorCode } from './errors.ts';
export { createLogger, silentLogger as silentTaskerLogger, type Logger } from './logging.ts';
export { getRuntime, type Runtime } from './runtime/index.ts';
