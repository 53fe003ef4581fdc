// Run under node, bun and deno by tests/runtime/threads-contract.test.ts: handler thread isolation on the
// embedded database; prints the runtime, the task state and, per step, whether it ran on the main thread.
import { createTasker } from '../../src/index.ts';
import { getRuntime } from '../../src/runtime/index.ts';
const rt = await getRuntime();
const t = createTasker({ config: { common: { database: { url: '', embedded_path: 'memory' }, queues: { poll_interval_ms: 50 } }, templates: { paths: ['tests/fixtures/threads/templates'] }, handlers: { paths: ['tests/fixtures/threads/handlers'] }, worker: { isolation: 'thread', thread_pool_size: 1 } } });
await t.start();
const task = await t.createTask({ namespace: 'threads_test', name: 'busy_workflow', context: {} });
const done = await t.waitForTask(task.task_uuid, { timeoutMs: 30000 });
const steps = await t.getTaskSteps(task.task_uuid);
console.log(rt.name, done.state, JSON.stringify(steps.map((s) => [s.name, (s.results as any)?.result?.main_thread])));
// a thread that crashes mid-step is noticed: the step fails as worker_lost and its retry runs on a new thread
const crash = await t.createTask({ namespace: 'threads_test', name: 'thread_crash', context: {} });
const crashed = await t.waitForTask(crash.task_uuid, { timeoutMs: 60000 });
const [step] = await t.getTaskSteps(crash.task_uuid);
console.log(rt.name, 'thread crash', crashed.state, step.attempts);
await t.stop();
rt.exit(0);
