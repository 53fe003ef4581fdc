import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  HandlerRegistry,
  StepHandler,
  createStepContext,
  defineHandler,
  type HandlerResolver,
  type StepHandlerClass,
  type StepHandlerResult,
} from '../../src/handlers/index.ts';
import { TaskerError } from '../../src/errors.ts';
import { executeHandler } from '../../src/worker/handler-executor.ts';
import { setDefaultLogger, silentLogger as silentLogger } from '../../src/logging.ts';

const fixturesDir = fileURLToPath(new URL('../fixtures/handlers/', import.meta.url));

class Payments extends StepHandler {
  static override handlerName = 'payments';
  async call(): Promise<StepHandlerResult> {
    return this.success({ via: 'call' });
  }
  async capture(): Promise<StepHandlerResult> {
    return this.success({ via: 'capture' });
  }
}

describe('HandlerRegistry registration', () => {
  it('registers by explicit name or by static handlerName and reports what it holds', () => {
    const registry = new HandlerRegistry();
    const Fn = defineHandler('fn_handler', {}, () => ({}));
    registry.register('pay', Payments);
    registry.register(Fn);
    expect(registry.isRegistered('pay')).toBe(true);
    expect(registry.isRegistered('fn_handler')).toBe(true);
    expect(registry.listHandlers()).toEqual(['pay', 'fn_handler']);
    expect(registry.handlerCount()).toBe(2);
    expect(registry.getHandlerClass('pay')).toBe(Payments);
    expect(registry.unregister('pay')).toBe(true);
    expect(registry.unregister('pay')).toBe(false);
    registry.clear();
    expect(registry.handlerCount()).toBe(0);
  });

  it('refuses values that are not handler classes', () => {
    const registry = new HandlerRegistry();
    expect(() => registry.register('x', {} as unknown as StepHandlerClass)).toThrow(TypeError);
    expect(() => registry.register('y', (() => 1) as unknown as StepHandlerClass)).toThrow(/call\(context\)/);
  });
});

describe('HandlerRegistry resolution', () => {
  it('lists the built-in resolvers in priority order', () => {
    expect(new HandlerRegistry().listResolvers()).toEqual([
      ['explicit_mapping', 10],
      ['module_path', 100],
    ]);
  });

  it('resolves a registered callable to a fresh instance with method call', async () => {
    const registry = new HandlerRegistry();
    registry.register(Payments);
    const a = await registry.resolve('payments');
    const b = await registry.resolve({ callable: 'payments' });
    expect(a).toMatchObject({ name: 'payments', callable: 'payments', method: 'call', resolver: 'explicit_mapping', handlerClass: Payments });
    expect(a?.handler).toBeInstanceOf(Payments);
    expect(a?.handler).not.toBe(b?.handler);
  });

  it('dispatches handler.method and falls back to call() with one warning for a method the handler lacks', async () => {
    const registry = new HandlerRegistry();
    registry.register(Payments);
    const resolved = await registry.resolve({ callable: 'payments', method: 'capture' });
    expect(resolved?.method).toBe('capture');
    expect((await executeHandler(resolved!, createStepContext())).result).toEqual({ via: 'capture' });
    const warnings: Array<[string, unknown]> = [];
    setDefaultLogger({ ...silentLogger, warn: (m, f) => void warnings.push([m, f]) });
    try {
      const fallback = await registry.resolve({ callable: 'payments', method: 'teleport' });
      expect(fallback).toMatchObject({ method: 'call', requestedMethod: 'teleport' });
      expect((await executeHandler(fallback!, createStepContext())).result).toEqual({ via: 'call' });
      await registry.resolve({ callable: 'payments', method: 'teleport' });
    } finally {
      setDefaultLogger(null);
    }
    expect(warnings).toEqual([["Handler 'payments' has no method 'teleport'; running call() instead", { callable: 'payments', handler: 'payments', method: 'teleport' }]]);
  });

  it('returns null for unknown callables and unknown resolver hints', async () => {
    const registry = new HandlerRegistry();
    registry.register(Payments);
    expect(await registry.resolve('nobody')).toBeNull();
    expect(await registry.resolve({ callable: 'payments', resolver: 'no_such_resolver' })).toBeNull();
  });

  it('resolves relative module paths against the base dir, by export name, default export or method', async () => {
    const registry = new HandlerRegistry({ modulePath: { baseDir: fixturesDir } });
    const named = await registry.resolve('./module-path/refunds.ts#Refunds');
    expect(named).toMatchObject({ resolver: 'module_path', callable: './module-path/refunds.ts#Refunds' });
    expect((await executeHandler(named!, createStepContext())).result).toEqual({ via: 'call' });
    const byDefault = await registry.resolve('./module-path/refunds.ts');
    expect((await executeHandler(byDefault!, createStepContext())).result).toEqual({ via: 'default' });
    const method = await registry.resolve({ callable: './module-path/refunds.ts#Refunds', method: 'refund' });
    expect((await executeHandler(method!, createStepContext({ inputData: { amount: 5 } }))).result).toEqual({ via: 'refund', amount: 5 });
    expect(await registry.resolve('./module-path/refunds.ts#Missing')).toBeNull();
    expect(await registry.resolve('./module-path/absent.ts#X')).toBeNull();
  });

  it('does not use the module-path resolver for bare or absolute callables', async () => {
    const registry = new HandlerRegistry({ modulePath: { baseDir: fixturesDir } });
    expect(await registry.resolve(`${fixturesDir}module-path/refunds.ts#Refunds`)).toBeNull();
    expect(await registry.resolve('module-path/refunds.ts#Refunds')).toBeNull();
  });

  it('rejects with HANDLER_LOAD_FAILED naming the file when a module path fails to import', async () => {
    const registry = new HandlerRegistry({ modulePath: { baseDir: fixturesDir } });
    const err = await registry.resolve('./module-path/broken.ts#X').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskerError);
    expect(err).toMatchObject({ code: 'HANDLER_LOAD_FAILED' });
    expect((err as Error).message).toMatch(/module-path[\\/]broken\.ts.*module path import failure/);
    expect((err as Error).cause).toBeInstanceOf(Error);
  });

  it('honours a resolver hint even when another resolver would match first', async () => {
    const registry = new HandlerRegistry({ modulePath: { baseDir: fixturesDir } });
    class Shadow extends Payments {
      static override handlerName = './module-path/refunds.ts#Refunds';
    }
    registry.register(Shadow);
    expect((await registry.resolve('./module-path/refunds.ts#Refunds'))?.resolver).toBe('explicit_mapping');
    expect((await registry.resolve({ callable: './module-path/refunds.ts#Refunds', resolver: 'module_path' }))?.resolver).toBe('module_path');
  });

  it('runs custom resolvers by priority and replaces a resolver with the same name', async () => {
    const registry = new HandlerRegistry();
    const calls: string[] = [];
    const custom = (name: string, priority: number, hit: boolean): HandlerResolver => ({
      name,
      priority,
      resolve(spec) {
        calls.push(name);
        return hit && spec.callable.startsWith('pay:') ? Payments : null;
      },
    });
    registry.addResolver(custom('late', 200, true));
    registry.addResolver(custom('early', 5, false));
    expect(registry.listResolvers().map(([n]) => n)).toEqual(['early', 'explicit_mapping', 'module_path', 'late']);
    expect((await registry.resolve('pay:card'))?.resolver).toBe('late');
    expect(calls).toEqual(['early', 'late']);
    registry.addResolver(custom('late', 1, false));
    expect(registry.listResolvers()[0]).toEqual(['late', 1]);
    expect(await registry.resolve('pay:card')).toBeNull();
  });

  it('reports a constructor that throws as HANDLER_LOAD_FAILED', async () => {
    class Fragile extends Payments {
      static override handlerName = 'fragile';
      constructor() {
        super();
        throw new Error('missing API key');
      }
    }
    const registry = new HandlerRegistry();
    registry.register(Fragile);
    await expect(registry.resolve('fragile')).rejects.toMatchObject({ code: 'HANDLER_LOAD_FAILED', message: expect.stringMatching(/fragile.*missing API key/) });
  });
});
