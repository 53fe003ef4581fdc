// The original worker's registry API: resolver chain classes, class_lookup, package specifiers, explicit mappings,
// HandlerDefinition helpers, resolver errors, MethodDispatchWrapper; and the logging helpers.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ClassLookupResolver, ExplicitMappingResolver, HandlerRegistry, MethodDispatchError, MethodDispatchWrapper, ModulePathResolver,
  NoResolverMatchError, RegistryResolver, ResolutionError, ResolverChain, ResolverNotFoundError, StepHandler, createLogger,
  createStepContext, effectiveMethod, fromCallable, fromDto, hasResolverHint, logDebug, logError, logInfo, logTrace, logWarn,
  normalizeToDefinition, setDefaultLogger, silentLogger, usesMethodDispatch, type HandlerDefinition, type Logger,
  type StepHandlerResult,
} from '../../src/index.ts';

class Orders extends StepHandler {
  static override handlerName = 'orders';
  async call(): Promise<StepHandlerResult> {
    return this.success({ via: 'call' });
  }
  async refund(): Promise<StepHandlerResult> {
    return this.success({ via: 'refund' });
  }
}

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'tasker-pkg-'));
  const pkg = join(scratch, 'node_modules', '@acme', 'handlers');
  await mkdir(join(pkg, 'lib'), { recursive: true });
  await writeFile(join(pkg, 'package.json'), JSON.stringify({ name: '@acme/handlers', type: 'module', exports: { '.': { import: './lib/index.mjs' }, './refunds': './lib/refunds.mjs' } }));
  await writeFile(join(pkg, 'lib', 'index.mjs'), "export class Charge { static handlerName = 'acme.charge'; async call() { return { success: true, result: { via: 'package' } }; } }\n" +
    "export class Capture { static handlerName = 'acme.capture'; async call() { return { success: true, result: { via: 'capture' } }; } }\n");
  await writeFile(join(pkg, 'lib', 'refunds.mjs'), "export default class Refund { static handlerName = 'acme.refund'; async call() { return { success: true, result: { via: 'subpath' } }; } }\n");
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('HandlerDefinition helpers', () => {
  it('fromCallable, fromDto, normalizeToDefinition', () => {
    expect(fromCallable('x')).toEqual({ callable: 'x', method: null, resolver: null, initialization: {} });
    expect(fromDto({ callable: 'y', initialization: { a: 1 } })).toEqual({ callable: 'y', method: null, resolver: null, initialization: { a: 1 } });
    expect(fromDto(null)).toEqual({ callable: '', method: null, resolver: null, initialization: {} });
    expect(normalizeToDefinition('z')).toEqual(fromCallable('z'));
    const def: HandlerDefinition = { callable: 'q', method: 'm' };
    expect(normalizeToDefinition(def)).toBe(def);
    expect(normalizeToDefinition({ callable: 'dto' })).toEqual(fromCallable('dto'));
  });

  it('effectiveMethod, usesMethodDispatch, hasResolverHint', () => {
    expect([effectiveMethod({ callable: 'a' }), effectiveMethod({ callable: 'a', method: '' }), effectiveMethod({ callable: 'a', method: 'go' })]).toEqual(['call', 'call', 'go']);
    expect([usesMethodDispatch({ callable: 'a', method: 'call' }), usesMethodDispatch({ callable: 'a', method: 'go' })]).toEqual([false, true]);
    expect([hasResolverHint({ callable: 'a', resolver: '' }), hasResolverHint({ callable: 'a', resolver: 'explicit_mapping' })]).toEqual([false, true]);
  });
});

describe('errors', () => {
  it('carry the original names and fields', () => {
    const notFound = new ResolverNotFoundError('nope');
    const noMatch = new NoResolverMatchError('c', ['a', 'b']);
    const dispatch = new MethodDispatchError('h', 'm');
    for (const e of [notFound, noMatch, dispatch]) expect(e).toBeInstanceOf(ResolutionError);
    expect([notFound.name, notFound.resolverName, notFound.message]).toEqual(['ResolverNotFoundError', 'nope', "Resolver not found: 'nope'"]);
    expect([noMatch.callable, noMatch.triedResolvers, noMatch.message]).toEqual(['c', ['a', 'b'], "No resolver could resolve callable 'c'. Tried: a, b"]);
    expect([dispatch.handlerName, dispatch.methodName, dispatch.message]).toEqual(['h', 'm', "Handler 'h' does not have method 'm'"]);
  });
});

describe('MethodDispatchWrapper', () => {
  it('routes call() to the target method and refuses a missing one', async () => {
    const wrapper = new MethodDispatchWrapper(new Orders(), 'refund');
    expect((await wrapper.call(createStepContext())).result).toEqual({ via: 'refund' });
    expect([wrapper.name, wrapper.version, wrapper.capabilities, wrapper.configSchema(), wrapper.targetMethod]).toEqual(['orders', '1.0.0', ['process'], null, 'refund']);
    expect(wrapper.unwrap()).toBeInstanceOf(Orders);
    expect(String(wrapper)).toBe('MethodDispatchWrapper(handler=orders, method=refund)');
    expect(() => new MethodDispatchWrapper(new Orders(), 'teleport')).toThrow(MethodDispatchError);
  });
});

describe('ExplicitMappingResolver', () => {
  it('registers classes, instances and factories; unregister, canResolve, registeredCallables', async () => {
    const r = new ExplicitMappingResolver();
    const shared = new Orders();
    r.register('cls', Orders);
    r.register('inst', shared);
    r.register('factory', (config) => Object.assign(new Orders(), { config }));
    expect([r.name, r.priority]).toEqual(['explicit_mapping', 10]);
    expect(r.registeredCallables()).toEqual(['cls', 'inst', 'factory']);
    expect(r.canResolve({ callable: 'cls' })).toBe(true);
    expect(r.resolve({ callable: 'cls' })).toBe(Orders);
    expect(r.resolve({ callable: 'inst' })).toBe(shared);
    expect((r.resolve({ callable: 'factory' }, { region: 'eu' }) as unknown as { config: unknown }).config).toEqual({ region: 'eu' });
    expect(r.unregister('cls')).toBe(true);
    expect(r.canResolve({ callable: 'cls' })).toBe(false);
  });

  it("the registry's explicit resolver also answers the registry's handlers", () => {
    const registry = new HandlerRegistry();
    registry.register(Orders);
    const explicit = registry.getResolver('explicit_mapping') as ExplicitMappingResolver;
    explicit.register('extra', new Orders());
    expect(explicit.registeredCallables()).toEqual(['extra', 'orders']);
  });
});

describe('ResolverChain and HandlerRegistry extras', () => {
  it('ResolverChain.default has explicit_mapping and class_lookup; withResolvers; unknown hints throw', async () => {
    const chain = await ResolverChain.default();
    expect(chain.listResolvers()).toEqual([['explicit_mapping', 10], ['class_lookup', 100]]);
    (chain.getResolver('explicit_mapping') as ExplicitMappingResolver).register('orders', Orders);
    expect((await chain.resolve({ callable: 'orders', method: 'refund' }))?.method).toBe('refund');
    await expect(chain.resolve({ callable: 'orders', resolver: 'nope' })).rejects.toBeInstanceOf(ResolverNotFoundError);
    expect(ResolverChain.withResolvers([new ExplicitMappingResolver('mine')]).listResolvers()).toEqual([['mine', 10]]);
    expect(chain.wrapForMethodDispatch(new Orders(), { callable: 'orders', method: 'refund' }).method).toBe('refund');
  });

  it('initialize, ensureInitialized, resolveSync, getResolverChain, debugInfo', async () => {
    const registry = new HandlerRegistry();
    registry.register(Orders);
    expect(registry.debugInfo()).toEqual({ initialized: false, handlerCount: 1, handlers: { orders: 'Orders' }, resolvers: [['explicit_mapping', 10], ['module_path', 100]] });
    await registry.ensureInitialized();
    await registry.initialize();
    expect(registry.debugInfo().initialized).toBe(true);
    expect(registry.getResolverChain()).toBeInstanceOf(ResolverChain);
    const sync = registry.resolveSync({ callable: 'orders', method: 'refund' });
    expect(sync).toMatchObject({ method: 'refund', resolver: 'explicit_mapping' });
    expect((await sync!.call(createStepContext())).result).toEqual({ via: 'refund' });
    expect(registry.resolveSync('nobody')).toBeNull();
    expect(registry.resolveSync({ callable: 'orders', resolver: 'module_path' })).toBeNull();
  });

  it('class_lookup is the module-path resolver under the original name', async () => {
    const registry = new HandlerRegistry({ modulePath: { baseDir: scratch } });
    expect(registry.getResolver('class_lookup')).toBe(registry.getResolver('module_path'));
    expect(new ClassLookupResolver()).toBeInstanceOf(ModulePathResolver);
    expect(new ClassLookupResolver().name).toBe('class_lookup');
    const viaHint = await registry.resolve({ callable: '@acme/handlers#Capture', resolver: 'class_lookup' });
    expect(viaHint?.name).toBe('acme.capture');
  });

  it('resolves package specifiers @scope/pkg#Export and @scope/pkg/sub', async () => {
    const registry = new HandlerRegistry({ modulePath: { baseDir: join(scratch, 'deeper') } });
    const charge = await registry.resolve('@acme/handlers#Charge');
    expect(charge).toMatchObject({ name: 'acme.charge', resolver: 'module_path' });
    expect((await charge!.call(createStepContext())) as unknown).toEqual({ success: true, result: { via: 'package' } });
    expect((await registry.resolve('@acme/handlers/refunds'))?.name).toBe('acme.refund');
    expect(await registry.resolve('@acme/handlers')).toBeNull(); // two handler classes, no #Export
    expect(await registry.resolve('@acme/missing#X')).toBeNull();
  });

  it('RegistryResolver subclasses match by pattern', async () => {
    class Payments extends RegistryResolver {
      static readonly _name = 'payments';
      static readonly _priority = 20;
      static readonly pattern = /^payments:(?<action>\w+)$/;
      resolveHandler(_d: HandlerDefinition, match: RegExpMatchArray | null) {
        return match?.groups?.action === 'refund' ? new MethodDispatchWrapper(new Orders(), 'refund').unwrap() : null;
      }
    }
    const registry = new HandlerRegistry();
    registry.addResolver(new Payments());
    expect(registry.listResolvers()).toEqual([['explicit_mapping', 10], ['payments', 20], ['module_path', 100]]);
    expect((await registry.resolve('payments:refund'))?.resolver).toBe('payments');
    expect(await registry.resolve('payments:other')).toBeNull();
    expect(new Payments().canResolve({ callable: 'other' })).toBe(false);
  });
});

describe('logging helpers', () => {
  it('write through the installed logger; createLogger presets fields', () => {
    const lines: Array<[string, string, unknown]> = [];
    const capture = (level: string) => (m: string, f?: Record<string, unknown>) => void lines.push([level, m, f]);
    const logger: Logger = { ...silentLogger, debug: capture('debug'), info: capture('info'), warn: capture('warn'), error: capture('error') };
    setDefaultLogger(logger);
    try {
      logTrace('t', { a: 1 });
      logDebug('d');
      logInfo('i', { b: 2 });
      logWarn('w');
      logError('e', { c: 3 });
      createLogger({ component: 'x' }).info('preset', { d: 4 });
      class Logs extends StepHandler {
        static override handlerName = 'logs';
        async call(): Promise<StepHandlerResult> {
          this.logger.warn('from handler', { n: 1 });
          return this.success({});
        }
      }
      void new Logs().call();
    } finally {
      setDefaultLogger(null);
    }
    expect(lines).toEqual([
      ['debug', 't', { a: 1, trace: true }],
      ['debug', 'd', undefined],
      ['info', 'i', { b: 2 }],
      ['warn', 'w', undefined],
      ['error', 'e', { c: 3 }],
      ['info', 'preset', { component: 'x', d: 4 }],
      ['warn', 'from handler', { handler: 'logs', n: 1 }],
    ]);
  });
});
