import { defineCommand } from 'citty';
import { commonArgs, setup, templatePaths } from './shared.ts';
import { discoverHandlers, formatHandlerList } from '../worker/discovery.ts';
import { loadTemplates } from '../templates/load.ts';

const list = defineCommand({
  meta: { name: 'list', description: 'List discovered handlers and the templates using them — example: tasker handlers list --format json' },
  args: {
    ...commonArgs,
    format: { type: 'string', description: 'table|json', default: 'table' },
    strict: { type: 'boolean', description: 'fail at once when a handler module fails to import (default: list it and go on)' },
  },
  async run({ args }) {
    const ctx = await setup(args);
    const { handlers, failures, events } = await discoverHandlers(ctx.runtime, ctx.config.handlers.paths, undefined, { strict: args.strict === true });
    const loaded = await loadTemplates(ctx.runtime, await templatePaths(ctx), { env: ctx.loaded.environment });
    const templates = loaded.templates.map((t) => ({
      namespace: t.namespace,
      name: t.name,
      version: t.version,
      file: t.sourceFile ?? '',
      callables: t.steps.map((s) => s.handler.callable),
    }));
    const out = formatHandlerList(handlers, templates, args.format === 'json' ? 'json' : 'table', { baseDir: ctx.runtime.cwd(), failures, events: events.found });
    ctx.runtime.writeStdout(out.endsWith('\n') ? out : out + '\n');
    const missing = templates.some((t) => t.callables.some((c) => !handlers.some((h) => h.name === c) && !c.startsWith('.')));
    return missing || failures.length > 0 ? 1 : 0;
  },
});

export default defineCommand({
  meta: { name: 'handlers', description: 'Step handlers' },
  subCommands: { list },
});
