import { defineCommand } from 'citty';
import { commonArgs, readJsonArg, setup, templatePaths } from './shared.ts';
import { runSmoke } from './smoke-runner.ts';
import { TaskerError } from '../errors.ts';

export default defineCommand({
  meta: {
    name: 'smoke',
    description: `Run templates end to end in-process and exit 0 iff every task completes — example: tasker smoke examples/templates/linear_workflow.yaml --input '{"even_number": 6}'`,
  },
  args: {
    ...commonArgs,
    database: { ...commonArgs.database, description: 'default `memory`: a throwaway PostgreSQL removed at exit; `url` uses DATABASE_URL, or give a URL or an embedded data directory' },
    templates: { type: 'positional', required: false, description: 'template files or directories (default: [templates] paths)' },
    input: { type: 'string', description: 'task input JSON (or @file); a map {"ns/name": {...}} gives each template its own' },
    timeout: { type: 'string', description: 'seconds to wait for every task (default 60)', default: '60' },
    format: { type: 'string', description: 'text|json (json: every task and step with full results)', default: 'text' },
  },
  async run({ args }) {
    // a throwaway server unless asked otherwise (--database url): never test tasks in DATABASE_URL by accident
    const ctx = await setup(args, {}, { defaultDatabase: 'memory' });
    const timeout = Number(args.timeout);
    if (!Number.isFinite(timeout) || timeout <= 0) throw new TaskerError('USAGE', `--timeout must be a positive number of seconds, not ${JSON.stringify(args.timeout)}`);
    const positional = (args._ as string[]).filter(Boolean);
    return runSmoke(ctx, {
      templatePaths: positional.length ? positional : await templatePaths(ctx),
      input: await readJsonArg(ctx.runtime, args.input, 'input'),
      timeoutMs: timeout * 1000,
      handlerPaths: ctx.config.handlers.paths,
      format: args.format === 'json' ? 'json' : 'text',
    });
  },
});
