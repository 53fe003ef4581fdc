// A user's plain JavaScript program embedding tasker: handlers registered in code, a template given in
// code, one two-step task run to completion. Prints the last step's result; exits 0 only when complete.
import process from 'node:process';
import { HandlerRegistry, createTasker, defineHandler, parseTemplate } from 'tasker';

const { template, problems } = parseTemplate(
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
if (!template) throw new Error(JSON.stringify(problems));

const registry = new HandlerRegistry();
registry.register(defineHandler('app.double', { inputs: ['n'] }, ({ n }) => ({ value: n * 2 })));
registry.register(defineHandler('app.add_one', { depends: { doubled: 'double' } }, ({ doubled }) => ({ value: doubled.value + 1 })));

const tasker = createTasker({
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
  const steps = await tasker.getTaskSteps(created.task_uuid);
  const last = steps.find((s) => s.name === 'add_one');
  console.log(JSON.stringify({ state: task.state, result: last?.results?.result }));
  process.exitCode = task.state === 'complete' ? 0 : 1;
} finally {
  await tasker.stop();
}
