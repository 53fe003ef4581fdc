// The original worker's client API (TaskerClient) over an in-process engine or HTTP.
export { TaskerClient, TaskerClientError, getTaskerClient, type TaskerClientTarget } from './tasker-client.ts';
export type { HttpTransportOptions } from './transports.ts';
export type {
  CancelTaskResponse, CreateTaskOptions, CreatedTaskResponse, HealthCheckResponse, ListTasksOptions, PaginationInfo, StepAuditResponse,
  StepReadinessStatus, StepResponse, TaskListResponse, TaskResponse,
} from './types.ts';
