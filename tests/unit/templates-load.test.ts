import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFiles, readTextFile, stat } from '../../src/runtime/fs.ts';
import { formatProblems, loadTemplates, runValidate, type Problem, type TemplateFiles } from '../../src/templates/index.ts';

const root = join(import.meta.dirname, '../..');
const examples = join(root, 'examples/templates');
const fixtures = join(root, 'tests/fixtures/templates');
const disk: TemplateFiles = { readTextFile, listFiles, stat };

/** An in-memory file tree: paths ending in a file name are files, their prefixes directories. */
function memoryFiles(files: Record<string, string>): TemplateFiles {
  const isDir = (p: string) => Object.keys(files).some((f) => f.startsWith(`${p}/`));
  return {
    readTextFile: async (p) => {
      if (!(p in files)) throw new Error(`ENOENT: ${p}`);
      return files[p];
    },
    listFiles: async (dir) => Object.keys(files).filter((f) => f.startsWith(`${dir}/`)).sort(),
    stat: async (p) => (p in files ? { isFile: true, isDirectory: false, size: files[p].length, mtimeMs: 0 } : isDir(p) ? { isFile: false, isDirectory: true, size: 0, mtimeMs: 0 } : null),
  };
}

const yamlTemplate = (version: string, callable = 'a_handler') => `name: dup
namespace_name: ns
version: ${version}
steps:
  - name: a
    handler: { callable: ${callable} }
`;
const tomlTemplate = `name = "dup"
namespace_name = "ns"
version = "1.0.0"

[[steps]]
name = "a"
handler = { callable = "a_handler" }
`;

describe('loadTemplates', () => {
  it('loads every example with zero errors and zero warnings', async () => {
    const { templates, problems } = await loadTemplates(disk, [examples], { env: 'test' });
    expect(problems).toEqual([]);
    expect(templates.map((t) => `${t.namespace}/${t.name}@${t.version}`).sort()).toEqual([
      'api_examples/fetch_and_summarize@1.0.0',
      'conditional_approval/conditional_approval@1.0.0',
      'csv_processing/csv_processing@1.0.0',
      'diamond_workflow/diamond_workflow@1.0.0',
      'linear_workflow/linear_workflow@1.0.0',
      'mixed_dag_workflow/mixed_dag_workflow@1.0.0',
      'order_events/order_events@1.0.0',
      'tree_workflow/tree_workflow@1.0.0',
    ]);
    for (const t of templates) {
      expect(t.version).toBe('1.0.0');
      expect(t.description).toBeTruthy();
      expect(Object.keys(t.metadata).length).toBeGreaterThan(0);
      expect(t.inputSchema).not.toBeNull();
    }
  });

  it('walks directories recursively and skips files that are not templates', async () => {
    const files = memoryFiles({ '/t/a/one.yaml': yamlTemplate('1.0.0'), '/t/b/c/two.yml': yamlTemplate('2.0.0'), '/t/readme.md': '# hi' });
    const { templates, problems } = await loadTemplates(files, ['/t']);
    expect(problems).toEqual([]);
    expect(templates.map((t) => t.sourceFile)).toEqual(['/t/a/one.yaml', '/t/b/c/two.yml']);
  });

  it('rejects the same namespace, name and version in two files, naming both', async () => {
    const files = memoryFiles({ '/t/a.yaml': yamlTemplate('1.0.0'), '/t/b.toml': tomlTemplate });
    const { templates, problems } = await loadTemplates(files, ['/t']);
    expect(templates.map((t) => t.sourceFile)).toEqual(['/t/a.yaml']);
    expect(problems).toEqual([{
      severity: 'error', file: '/t/b.toml', path: 'name',
      message: 'duplicate template ns/dup@1.0.0: defined in both /t/a.yaml and /t/b.toml (expected one file per namespace, name and version)',
    }]);
  });

  it('reads a file named twice only once', async () => {
    const files = memoryFiles({ '/t/a.yaml': yamlTemplate('1.0.0') });
    const { templates, problems } = await loadTemplates(files, ['/t', '/t/a.yaml']);
    expect(problems).toEqual([]);
    expect(templates).toHaveLength(1);
  });

  it('reports a path that does not exist', async () => {
    const { problems } = await loadTemplates(memoryFiles({}), ['/missing']);
    expect(problems).toEqual([expect.objectContaining({ severity: 'error', file: '/missing', message: expect.stringMatching(/no such file or directory/) })]);
  });
});

describe('formatProblems', () => {
  const problems: Problem[] = [
    { severity: 'error', file: 'a.yaml', line: 3, path: 'steps[0].name', message: 'bad' },
    { severity: 'warning', file: 'b.toml', path: 'extra', message: 'ignored' },
    { severity: 'error', file: 'c.yaml', line: 1, path: '', message: 'YAML syntax error: x' },
  ];

  it('prints one line per problem with file, line, severity, path and message', () => {
    expect(formatProblems(problems, 'text')).toBe([
      'a.yaml:3: error steps[0].name: bad',
      'b.toml: warning extra: ignored',
      'c.yaml:1: error: YAML syntax error: x',
    ].join('\n'));
  });

  it('prints JSON for tools', () => {
    expect(JSON.parse(formatProblems(problems, 'json'))).toEqual(problems);
  });
});

describe('runValidate', () => {
  it('exits 0 on the examples', async () => {
    const result = await runValidate(disk, [examples], { env: 'development' });
    expect(result.exitCode).toBe(0);
    expect(result.output).toBe('8 valid templates, 0 errors, 0 warnings');
  });

  it('exits 1 on the broken corpus and prints a line per problem', async () => {
    const result = await runValidate(disk, [join(fixtures, 'broken')]);
    expect(result.exitCode).toBe(1);
    expect(result.templates.map((t) => t.name)).toEqual(['unknown_keys']);
    expect(result.output).toContain(`${join(fixtures, 'broken', 'cycle.yaml')}:6: error steps[0].dependencies: dependency cycle: a → b → c → a`);
    expect(result.output.split('\n').at(-1)).toMatch(/^1 valid template, \d+ errors, 3 warnings$/);
  });

  it('exits 0 when there are only warnings', async () => {
    const result = await runValidate(disk, [join(fixtures, 'original-style')], { format: 'json' });
    expect(result.exitCode).toBe(0);
    const body = JSON.parse(result.output);
    expect(body).toMatchObject({ ok: true, errors: 0 });
    expect(body.warnings).toBeGreaterThan(0);
    expect(body.templates).toHaveLength(2);
  });

  it('reports handler callables that are not registered when a handler set is given', async () => {
    const files = memoryFiles({ '/t/a.yaml': yamlTemplate('1.0.0', 'ghost_handler') });
    const ok = await runValidate(files, ['/t'], { handlerNames: new Set(['ghost_handler']) });
    expect(ok.exitCode).toBe(0);
    const bad = await runValidate(files, ['/t'], { handlerNames: new Set(['other_handler']) });
    expect(bad.exitCode).toBe(1);
    expect(bad.output).toContain('/t/a.yaml: error steps[0].handler.callable: handler "ghost_handler" is not registered');
    const unchecked = await runValidate(files, ['/t'], { handlerNames: null });
    expect(unchecked.exitCode).toBe(0);
  });

  it('fails when no template file is found', async () => {
    const result = await runValidate(memoryFiles({ '/t/readme.md': 'x' }), ['/t']);
    expect(result.exitCode).toBe(1);
    expect(result.output).toContain('no template files found');
  });
});
