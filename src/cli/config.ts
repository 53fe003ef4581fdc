import { defineCommand } from 'citty';
import { stringify as toToml } from 'smol-toml';
import { commonArgs, setup } from './shared.ts';
import { redactConfig } from '../config/redact.ts';

const show = defineCommand({
  meta: { name: 'show', description: 'Print the merged configuration, secrets redacted — example: tasker config show --format json' },
  args: { ...commonArgs, format: { type: 'string', description: 'toml|json', default: 'toml' } },
  async run({ args }) {
    const ctx = await setup(args);
    const safe = redactConfig(ctx.config);
    const text = args.format === 'json' ? JSON.stringify(safe, null, 2) + '\n' : toToml(safe) + '\n';
    ctx.runtime.writeStdout(text);
    return 0;
  },
});

const validate = defineCommand({
  meta: { name: 'validate', description: 'Check the configuration strictly (unknown keys are errors) — example: tasker config validate --config tasker.toml' },
  args: { ...commonArgs },
  async run({ args }) {
    const ctx = await setup(args, {}, true);
    const from = ctx.loaded.sources.length ? ctx.loaded.sources.join(', ') : 'built-in defaults only';
    ctx.runtime.writeStdout(`configuration is valid (environment ${ctx.loaded.environment}; sources: ${from})\n`);
    return 0;
  },
});

export default defineCommand({
  meta: { name: 'config', description: 'Show or validate the configuration' },
  subCommands: { show, validate },
});
