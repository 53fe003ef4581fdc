// `tasker init`: what it writes into a new directory and what it keeps in an existing project.
// (That `tasker smoke` passes on the scaffold is tested against the packed package in tests/package.)
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scaffoldProject } from '../../src/cli/init.ts';
import { VERSION } from '../../src/cli/version.ts';
import { loadConfig } from '../../src/config/load.ts';
import { parseTemplate } from '../../src/templates/parse.ts';
import { getRuntime } from '../../src/runtime/index.ts';

let base: string;
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'tasker-init-'));
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

const read = (file: string) => readFileSync(join(base, file), 'utf8');

describe('tasker init', () => {
  it('scaffolds a new directory: an ES-module package depending on tasker, config, template, handlers, README', async () => {
    const dir = join(base, 'my-flows');
    const report = await scaffoldProject(await getRuntime(), dir);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({ name: 'my-flows', type: 'module', dependencies: { tasker: `^${VERSION}` }, scripts: { smoke: 'tasker smoke' } });
    expect(report).toContain('npm install');
    const { template, problems } = parseTemplate(readFileSync(join(dir, 'templates/hello.yaml'), 'utf8'), 'hello.yaml');
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(template?.steps.map((s) => s.name)).toEqual(['greet', 'shout']);
    expect(readFileSync(join(dir, 'handlers/hello.ts'), 'utf8')).toContain("from 'tasker'");
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('npx tasker smoke');
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toContain('.tasker/');
  });

  it('writes a tasker.toml that every command reads from the project directory, strictly valid', async () => {
    const runtime = await getRuntime();
    await scaffoldProject(runtime, base);
    const loaded = await loadConfig({ runtime, cwd: base, env: {}, strict: true });
    expect(loaded.sources).toEqual([join(base, 'tasker.toml')]);
    expect(loaded.config.templates.paths).toEqual(['templates']);
  });

  it('keeps existing files and switches an existing package.json to ES modules', async () => {
    writeFileSync(join(base, 'package.json'), JSON.stringify({ name: 'mine', type: 'commonjs', dependencies: { tasker: 'file:../tasker.tgz' } }));
    mkdirSync(join(base, 'handlers'));
    writeFileSync(join(base, 'handlers/hello.ts'), '// mine\n');
    writeFileSync(join(base, 'README.md'), '# mine\n');
    writeFileSync(join(base, '.gitignore'), 'node_modules\n');
    const report = await scaffoldProject(await getRuntime(), base);
    const pkg = JSON.parse(read('package.json'));
    expect(pkg).toMatchObject({ name: 'mine', type: 'module', dependencies: { tasker: 'file:../tasker.tgz' } });
    expect(report).toMatch(/set "type": "module" \(was "commonjs"/);
    expect(report).not.toContain('npm install');
    expect(read('handlers/hello.ts')).toBe('// mine\n');
    expect(read('README.md')).toBe('# mine\n');
    expect(report).toContain('## Workflows (tasker)');
    expect(read('.gitignore')).toBe('node_modules\n.tasker/\n');
    expect(read('templates/hello.yaml')).toContain('name: hello');
  });

  it('refuses a path that is a file, and a package.json that is not JSON', async () => {
    const runtime = await getRuntime();
    writeFileSync(join(base, 'file'), 'x');
    await expect(scaffoldProject(runtime, join(base, 'file'))).rejects.toMatchObject({ code: 'USAGE' });
    writeFileSync(join(base, 'package.json'), '{ nope');
    await expect(scaffoldProject(runtime, base)).rejects.toMatchObject({ code: 'USAGE', message: expect.stringContaining('package.json') });
  });
});
