import { defineCommand } from 'citty';
import { commonArgs, setup, templatePaths } from './shared.ts';
import { runValidate } from '../templates/report.ts';
import { discoverHandlers } from '../worker/discovery.ts';

export default defineCommand({
  meta: {
    name: 'validate',
    description: 'Check task templates; with --handlers also that every handler.callable exists — example: tasker validate examples/templates --handlers',
  },
  args: {
    ...commonArgs,
    paths: { type: 'positional', required: false, description: 'template files or directories (default: [templates] paths)' },
    handlers: { type: 'boolean', description: 'also resolve every handler.callable (and handler.method) and event publisher against the discovered ones' },
    strict: { type: 'boolean', description: 'with --handlers: fail when a handler module fails to import (default: report it and go on)' },
    format: { type: 'string', description: 'text|json', default: 'text' },
  },
  async run({ args }) {
    const ctx = await setup(args);
    const positional = (args._ as string[]).filter(Boolean);
    const paths = positional.length ? positional : await templatePaths(ctx);
    if (paths.length === 0) {
      // a new project without template folders yet: nothing to check is not a failure
      ctx.runtime.writeStdout(`no templates to check: none of the default paths exists (${ctx.config.templates.paths.join(', ')}); name files or folders, or set TASKER_TEMPLATE_PATH\n`);
      return 0;
    }
    let handlerNames: Set<string> | null = null;
    let handlerHasMethod: ((callable: string, method: string) => boolean) | null = null;
    let publisherNames: Set<string> | null = null;
    if (args.handlers) {
      const found = await discoverHandlers(ctx.runtime, ctx.config.handlers.paths, undefined, { strict: args.strict === true, logger: ctx.logger });
      handlerNames = new Set(found.handlers.map((h) => h.name));
      publisherNames = new Set(['default', ...found.events.publishers.registeredNames]);
      handlerHasMethod = (callable, method) => typeof (found.registry.getHandlerClass(callable)?.prototype as unknown as Record<string, unknown> | undefined)?.[method] === 'function';
    }
    const format = args.format === 'json' ? 'json' : 'text';
    const result = await runValidate(ctx.runtime, paths, { env: ctx.loaded.environment, format, handlerNames, handlerHasMethod, publisherNames });
    // paths under the working directory are shown relative to it
    const output = format === 'text' ? result.output.split(`${ctx.runtime.cwd()}/`).join('') : result.output;
    ctx.runtime.writeStdout(output.endsWith('\n') ? output : output + '\n');
    return result.exitCode;
  },
});
