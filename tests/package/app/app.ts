// app.mjs in TypeScript, against the package's declarations (also type-checked by the package test).
import process from 'node:process';
import {
  HandlerRegistry,
  createTasker,
  defineHandler,
  parseTemplate,
  type StepView,
  type Tasker,
  type TaskTemplate,
} from 'tasker';

const parsed = parseTemplate(
  `
name: double_then_add
namespace_name: app
version: 1.0.0
steps:
  - name: double
    handler: { callable: app.double }
  - name: add_one
    dependencies: [double]
    handler: { callable: app.add_one }
`,
  'app.yaml',
);
if (!parsed.template) throw new Error(JSON.stringify(parsed.problems));
const template: TaskTemplate = parsed.template;

const registry = new HandlerRegistry();
registry.register(defineHandler('app.double', { inputs: ['n'] }, ({ n }) => ({ value: (n as number) * 2 })));
registry.register(
  defineHandler('app.add_one', { depends: { doubled: 'double' } }, ({ doubled }) => ({ value: (doubled as { value: number }).value + 1 })),
);

const tasker: Tasker = createTasker({
  config: { common: { database: { url: process.env.DATABASE_URL } } },
  registry,
  templates: [template],
  loadTemplatePaths: false,
  discoverHandlerPaths: false,
});
await tasker.start();
try {
  const created = await tasker.createTask({ namespace: 'app', name: 'double_then_add', context: { n: 20 } });
  const task = await tasker.waitForTask(created.task_uuid, { timeoutMs: 60_000 });
  const steps: StepView[] = await tasker.getTaskSteps(created.task_uuid);
  const last = steps.find((s) => s.name === 'add_one');
  console.log(JSON.stringify({ state: task.state, result: (last?.results as { result?: unknown } | undefined)?.result }));
  process.exitCode = task.state === 'complete' ? 0 : 1;
} finally {
  await tasker.stop();
}
