import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRuntime, type Runtime } from '../../src/runtime/index.ts';
import { TaskerError } from '../../src/errors.ts';
import { HandlerRegistry, defineHandler } from '../../src/handlers/index.ts';
import { discoverHandlers, formatHandlerList, type DiscoveredHandler } from '../../src/worker/discovery.ts';

const fixtures = fileURLToPath(new URL('../fixtures/handlers/', import.meta.url));
let runtime: Runtime;
let scratch: string;

beforeAll(async () => {
  runtime = await getRuntime();
  scratch = await mkdtemp(join(tmpdir(), 'tasker-discovery-'));
  await mkdir(join(scratch, 'node_modules', 'pkg'), { recursive: true });
  await writeFile(join(scratch, 'node_modules', 'pkg', 'index.mjs'), "throw new Error('node_modules must be skipped');\n");
  await writeFile(
    join(scratch, 'plain.mjs'),
    "export class Plain { static handlerName = 'plain_handler'; async call() { return { ok: true }; } }\n",
  );
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const names = (handlers: DiscoveredHandler[]) => handlers.map((h) => h.name).sort();

describe('discoverHandlers', () => {
  it('loads every module of a directory recursively, skipping _*, *.test.*, *.d.ts and non-modules', async () => {
    const { registry, handlers } = await discoverHandlers(runtime, [join(fixtures, 'good')]);
    expect(names(handlers)).toEqual(['alpha_handler', 'beta_handler', 'gamma_handler']);
    expect(registry.listHandlers().sort()).toEqual(['alpha_handler', 'beta_handler', 'gamma_handler']);
    expect(handlers.find((h) => h.name === 'alpha_handler')).toEqual({
      name: 'alpha_handler',
      kind: 'class',
      type: 'step',
      version: '1.2.0',
      file: join(fixtures, 'good', 'alpha.ts'),
    });
    expect(handlers.find((h) => h.name === 'beta_handler')).toMatchObject({ kind: 'functional', version: '0.3.0', file: join(fixtures, 'good', 'nested', 'beta.ts') });
  });

  it('registers a class exported both directly and in an array once', async () => {
    const { handlers } = await discoverHandlers(runtime, [join(fixtures, 'good', 'nested', 'beta.ts')]);
    expect(names(handlers)).toEqual(['beta_handler', 'gamma_handler']);
  });

  it('loads only index.ts when a directory has one, including arrays it exports', async () => {
    const { handlers } = await discoverHandlers(runtime, [join(fixtures, 'with-index')]);
    expect(names(handlers)).toEqual(['index_one_handler', 'index_two_handler']);
    expect(handlers.every((h) => h.file === join(fixtures, 'with-index', 'index.ts'))).toBe(true);
  });

  it('finds nothing in a module that exports no handler', async () => {
    const { handlers, registry } = await discoverHandlers(runtime, [join(fixtures, 'empty')]);
    expect(handlers).toEqual([]);
    expect(registry.handlerCount()).toBe(0);
  });

  it('returns an empty result for a directory that does not exist', async () => {
    const { handlers } = await discoverHandlers(runtime, [join(fixtures, 'does-not-exist'), 'also/missing']);
    expect(handlers).toEqual([]);
  });

  it('skips node_modules and accepts plain .mjs handler classes', async () => {
    const { handlers } = await discoverHandlers(runtime, [scratch]);
    expect(handlers).toEqual([{ name: 'plain_handler', kind: 'class', type: 'step', version: '1.0.0', file: join(scratch, 'plain.mjs') }]);
  });

  it('fails with HANDLER_DUPLICATE naming both files when two modules define the same name', async () => {
    const err = await discoverHandlers(runtime, [join(fixtures, 'duplicates')]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskerError);
    expect(err).toMatchObject({ code: 'HANDLER_DUPLICATE' });
    const message = (err as Error).message;
    expect(message).toContain("'dup_handler'");
    expect(message).toContain(join(fixtures, 'duplicates', 'first.ts'));
    expect(message).toContain(join(fixtures, 'duplicates', 'second.ts'));
  });

  it('fails with HANDLER_DUPLICATE when a discovered name clashes with an already registered class', async () => {
    const registry = new HandlerRegistry();
    registry.register(defineHandler('alpha_handler', {}, () => ({})));
    await expect(discoverHandlers(runtime, [join(fixtures, 'good')], registry)).rejects.toMatchObject({
      code: 'HANDLER_DUPLICATE',
      message: expect.stringContaining('alpha.ts'),
    });
  });

  it('reports a module that throws on import and keeps the handlers of the others', async () => {
    const warnings: Array<Record<string, unknown> | undefined> = [];
    const result = await discoverHandlers(runtime, [join(fixtures, 'broken'), join(fixtures, 'good')], undefined, { logger: { warn: (_m, f) => void warnings.push(f) } });
    expect(names(result.handlers)).toEqual(['alpha_handler', 'beta_handler', 'gamma_handler']);
    expect(result.failures).toEqual([expect.objectContaining({ file: join(fixtures, 'broken', 'explodes.ts'), reason: 'kaboom at import time' })]);
    expect(warnings).toEqual([expect.objectContaining({ file: join(fixtures, 'broken', 'explodes.ts'), reason: 'kaboom at import time' })]);
    const listed = formatHandlerList(result.handlers, [], 'table', { failures: result.failures });
    expect(listed).toContain('FAILED TO LOAD: 1 handler module (their handlers are missing):');
    expect(listed).toContain(`✗ ${join(fixtures, 'broken', 'explodes.ts')}: kaboom at import time`);
    expect(JSON.parse(formatHandlerList(result.handlers, [], 'json', { failures: result.failures })).failures).toEqual([{ file: join(fixtures, 'broken', 'explodes.ts'), reason: 'kaboom at import time' }]);
  });

  it('loads examples/index and dsl_examples/index and their ALL_EXAMPLE_HANDLERS / ALL_DSL_HANDLERS arrays', async () => {
    const result = await discoverHandlers(runtime, [join(fixtures, 'original-layout')]);
    expect(names(result.handlers)).toEqual(['Layout.ClassHandler', 'Layout.DslHandler', 'Layout.OtherClassHandler']);
    expect(result.handlers.every((h) => /(examples|dsl_examples)[\\/]index\.ts$/.test(h.file))).toBe(true);
  });

  it('in strict mode fails with HANDLER_LOAD_FAILED naming the file and keeping the cause when a module throws', async () => {
    const err = await discoverHandlers(runtime, [join(fixtures, 'broken')], undefined, { strict: true }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'HANDLER_LOAD_FAILED' });
    expect((err as Error).message).toContain(join(fixtures, 'broken', 'explodes.ts'));
    expect((err as Error).message).toContain('kaboom at import time');
    expect(((err as Error).cause as Error).message).toBe('kaboom at import time');
  });

  it('fills a given registry and lets paths be combined', async () => {
    const registry = new HandlerRegistry();
    const result = await discoverHandlers(runtime, [join(fixtures, 'good'), join(fixtures, 'with-index')], registry);
    expect(result.registry).toBe(registry);
    expect(registry.handlerCount()).toBe(5);
  });
});

describe('formatHandlerList', () => {
  const handlers: DiscoveredHandler[] = [
    { name: 'b_handler', kind: 'functional', type: 'decision', version: '1.0.0', file: '/app/handlers/b.ts' },
    { name: 'a_handler', kind: 'class', type: 'step', version: '2.0.0', file: '/app/handlers/a.ts' },
  ];
  const templates = [
    { namespace: 'ns', name: 'flow', version: '1.0.0', file: '/app/templates/flow.yaml', callables: ['a_handler', 'b_handler', 'ghost_handler'] },
    { namespace: 'ns', name: 'other', version: '0.1.0', file: '/app/templates/other.yaml', callables: ['a_handler', 'ghost_handler', './x.ts#X'] },
  ];

  it('prints a table with templates per handler and flags callables with no handler', () => {
    const out = formatHandlerList(handlers, templates, 'table', { baseDir: '/app' });
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^NAME\s+KIND\s+TYPE\s+VERSION\s+FILE\s+TEMPLATES$/);
    expect(lines[1]).toMatch(/^a_handler\s+class\s+step\s+2\.0\.0\s+handlers\/a\.ts\s+ns\/flow@1\.0\.0, ns\/other@0\.1\.0$/);
    expect(lines[2]).toMatch(/^b_handler\s+functional\s+decision\s+1\.0\.0\s+handlers\/b\.ts\s+ns\/flow@1\.0\.0$/);
    expect(out).toContain('✗ ghost_handler  (used by ns/flow@1.0.0, ns/other@0.1.0)');
    expect(out).not.toContain('./x.ts#X');
  });

  it('prints JSON with the same facts', () => {
    const parsed = JSON.parse(formatHandlerList(handlers, templates, 'json'));
    expect(parsed.handlers[0]).toEqual({
      name: 'a_handler', kind: 'class', type: 'step', version: '2.0.0', file: '/app/handlers/a.ts', templates: ['ns/flow@1.0.0', 'ns/other@0.1.0'],
    });
    expect(parsed.missing).toEqual([{ callable: 'ghost_handler', templates: ['ns/flow@1.0.0', 'ns/other@0.1.0'] }]);
  });

  it('omits the missing section when every callable resolves', () => {
    const out = formatHandlerList(handlers, [{ ...templates[0], callables: ['a_handler'] }], 'table');
    expect(out).not.toContain('MISSING');
    expect(out).toContain('2 handlers');
  });
});
