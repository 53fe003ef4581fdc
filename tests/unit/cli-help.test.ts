// Every command has --help with an example (DESIGN §11): leaf commands say "example: tasker …".
import { describe, expect, it } from 'vitest';
import type { CommandDef } from 'citty';
import { root } from '../../src/cli/main.ts';

async function resolve<T>(value: unknown): Promise<T> {
  return (typeof value === 'function' ? await (value as () => unknown)() : await value) as T;
}

async function leaves(cmd: CommandDef, path: string[]): Promise<Array<{ path: string; description: string }>> {
  const subs = await resolve<Record<string, unknown> | undefined>(cmd.subCommands);
  if (!subs) {
    const meta = await resolve<{ description?: string }>(cmd.meta);
    return [{ path: path.join(' '), description: meta?.description ?? '' }];
  }
  const out = [];
  for (const [name, sub] of Object.entries(subs)) out.push(...(await leaves(await resolve<CommandDef>(sub), [...path, name])));
  return out;
}

describe('CLI help', () => {
  it('gives every command a description with an example', async () => {
    const all = await leaves(root as CommandDef, ['tasker']);
    expect(all.length).toBeGreaterThan(20);
    const missing = all.filter((c) => !/example: tasker /.test(c.description)).map((c) => c.path);
    expect(missing).toEqual([]);
  });
});
