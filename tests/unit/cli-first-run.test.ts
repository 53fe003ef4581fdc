// First-run polish (issue 11): the status line only on a terminal and only for slow steps, help without
// colour codes off a terminal and without defaults stated twice.
import { describe, expect, it } from 'vitest';
import { renderUsage, type CommandDef } from 'citty';
import { withStatus, STATUS_DELAY_MS } from '../../src/cli/status-line.ts';
import { tidyUsage } from '../../src/cli/main.ts';
import type { Runtime } from '../../src/runtime/types.ts';

function fakeRuntime(isTTY: boolean): { runtime: Runtime; stderr: () => string } {
  let err = '';
  const runtime = { isTTY, env: {}, writeStderr: (t: string) => void (err += t), writeStdout: () => {} } as unknown as Runtime;
  return { runtime, stderr: () => err };
}
const after = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the status line', () => {
  it('shows what is going on when a step takes longer than 300 ms on a terminal, then erases itself', async () => {
    const { runtime, stderr } = fakeRuntime(true);
    expect(await withStatus(runtime, 'starting the embedded PostgreSQL', () => after(STATUS_DELAY_MS + 200).then(() => 42))).toBe(42);
    expect(stderr()).toBe('starting the embedded PostgreSQL…\r\x1b[2K');
  });

  it('says nothing for a fast step, and nothing at all in a pipe', async () => {
    const tty = fakeRuntime(true);
    await withStatus(tty.runtime, 'quick', async () => 1);
    expect(tty.stderr()).toBe('');
    const pipe = fakeRuntime(false);
    await withStatus(pipe.runtime, 'slow', () => after(STATUS_DELAY_MS + 200));
    expect(pipe.stderr()).toBe('');
  });
});

describe('help text', () => {
  it('has no colour codes off a terminal and states each default once', async () => {
    const smoke = (await import('../../src/cli/smoke.ts')).default as CommandDef;
    // citty colours its usage when it thinks it is on a terminal; colour a line the way it does
    const raw = (await renderUsage(smoke)).replace('USAGE', '\x1b[4m\x1b[1mUSAGE\x1b[22m\x1b[24m');
    const plain = tidyUsage(raw, false);
    expect(plain).not.toContain('\x1b[');
    const timeout = plain.split('\n').find((l) => l.includes('--timeout'))!;
    expect(timeout).toContain('(default 60)');
    expect(timeout).not.toContain('(Default: 60)');
    // a flag whose description does not mention its default keeps citty's
    expect(plain.split('\n').find((l) => l.includes('--format'))).toContain('(Default: text)');
    expect(tidyUsage(raw, true)).toContain('\x1b[');
  });
});
