// The README is the front door: it must document every error code and every CLI command that exists.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('documents every error code', () => {
    const missing = Object.keys(ErrorCode).filter((code) => !readme.includes(`\`${code}\``));
    expect(missing).toEqual([]);
  });

  it('names every top-level CLI command', async () => {
    const { root } = await import('../../src/cli/main.ts');
    const commands = Object.keys(root.subCommands as Record<string, unknown>);
    expect(commands.length).toBeGreaterThan(5);
    const missing = commands.filter((c) => !readme.includes(`tasker ${c}`));
    expect(missing).toEqual([]);
  });

  it('gives the test command and the one command that runs an example', () => {
    expect(readme).toContain('npm test');
    expect(readme).toContain('npm start');
    expect(readme).toContain("npx tasker smoke examples/templates/linear_workflow.yaml --input '{\"even_number\": 6}'");
  });
});
