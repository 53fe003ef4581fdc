import { defineCommand } from 'citty';
import { commonArgs, formatTable, setup, withDb } from './shared.ts';
import { TemplateStore } from '../templates/store.ts';
import { loadTemplates } from '../templates/load.ts';
import { renderTemplateMermaid } from '../orchestration/visualize.ts';
import { TaskerError } from '../errors.ts';
import { parseTemplateRef } from './task.ts';
import type { TaskTemplate } from '../templates/types.ts';

const list = defineCommand({
  meta: { name: 'list', description: 'List templates registered in the database (--files: found under the template paths) — example: tasker template list --files' },
  args: {
    ...commonArgs,
    files: { type: 'boolean', description: 'list templates from the template search paths instead of the database' },
    format: { type: 'string', description: 'text|json', default: 'text' },
  },
  async run({ args }) {
    const ctx = await setup(args);
    const rows = args.files
      ? (await loadTemplates(ctx.runtime, ctx.config.templates.paths, { env: ctx.loaded.environment })).templates.map((t) => ({
          namespace: t.namespace, name: t.name, version: t.version, description: t.description ?? null, steps: t.steps.length,
        }))
      : await withDb(ctx, (db) => new TemplateStore().list(db));
    ctx.runtime.writeStdout(args.format === 'json' ? JSON.stringify(rows, null, 2) + '\n' : formatTable(rows, ['namespace', 'name', 'version', 'steps', 'description']));
    return 0;
  },
});

/** Finds a template by file path (from disk) or by `namespace/name[@version]` (from the database). */
async function findTemplate(ctx: Awaited<ReturnType<typeof setup>>, ref: string): Promise<TaskTemplate> {
  if (/\.(ya?ml|toml)$/.test(ref)) {
    const loaded = await loadTemplates(ctx.runtime, [ref], { env: ctx.loaded.environment });
    const template = loaded.templates[0];
    if (!template) {
      throw new TaskerError('TEMPLATE_INVALID', loaded.problems.map((p) => `${p.file}: ${p.path} ${p.message}`).join('\n') || `no template in ${ref}`);
    }
    return template;
  }
  const { namespace, name, version } = parseTemplateRef(ref);
  return withDb(ctx, async (db) => (await new TemplateStore().find(db, namespace, name, version)).template);
}

const visualize = defineCommand({
  meta: { name: 'visualize', description: 'Draw a template DAG as Mermaid (or JSON) — example: tasker template visualize examples/templates/tree_workflow.yaml' },
  args: {
    ...commonArgs,
    template: { type: 'positional', required: true, description: 'a template file, or <namespace>/<name>[@version]' },
    format: { type: 'string', description: 'mermaid|json', default: 'mermaid' },
  },
  async run({ args }) {
    const ctx = await setup(args);
    const template = await findTemplate(ctx, String(args.template));
    const out = renderTemplateMermaid(template, { format: args.format === 'json' ? 'json' : 'mermaid' });
    ctx.runtime.writeStdout(typeof out === 'string' ? out.replace(/\n?$/, '\n') : JSON.stringify(out, null, 2) + '\n');
    return 0;
  },
});

export default defineCommand({
  meta: { name: 'template', description: 'Registered templates' },
  subCommands: { list, visualize },
});
