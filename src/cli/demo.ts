import { defineCommand } from 'citty';
import { commonArgs, setup } from './shared.ts';
import { runSmoke } from './smoke-runner.ts';

const EXAMPLES = ['linear_workflow.yaml', 'diamond_workflow.toml', 'tree_workflow.yaml', 'mixed_dag_workflow.yaml'];

export default defineCommand({
  meta: { name: 'demo', description: 'Run the bundled linear, diamond, tree and mixed-DAG examples on the embedded database (npm start) — example: tasker demo' },
  args: { ...commonArgs },
  async run({ args }) {
    // a throwaway server unless asked otherwise (--database url): never test tasks in DATABASE_URL by accident
    const ctx = await setup(args, {}, { defaultDatabase: 'memory' });
    const dir = new URL('../../examples/', import.meta.url).pathname;
    return runSmoke(ctx, {
      templatePaths: EXAMPLES.map((f) => `${dir}templates/${f}`),
      input: { even_number: 6 },
      timeoutMs: 60_000,
      handlerPaths: [`${dir}handlers`],
    });
  },
});
