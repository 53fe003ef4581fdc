// The original worker's decision and API composition API: DecisionType, decisionSuccessWithOutcome,
// decisionNoBranches(outcome), DecisionMixin / applyDecision, APIMixin / applyAPI, ApiHandler.getApiMixin().
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRuntime, type ServerHandle } from '../../src/runtime/index.ts';
import {
  APIMixin, ApiHandler, DecisionHandler, DecisionMixin, DecisionType, StepHandler, applyAPI, applyDecision, createStepContext,
  type APICapable, type DecisionCapable, type DecisionPointOutcome, type StepContext, type StepHandlerResult,
} from '../../src/index.ts';

class Router extends DecisionHandler {
  static override handlerName = 'router';
  static override handlerVersion = '3.1.0';
  async call(ctx: StepContext): Promise<StepHandlerResult> {
    const outcome: DecisionPointOutcome = ctx.getInput('skip')
      ? { decisionType: DecisionType.NO_BRANCHES, nextStepNames: [], reason: 'nothing to do', routingContext: { why: 'skip' } }
      : { decisionType: DecisionType.CREATE_STEPS, nextStepNames: ['a', 'b'], dynamicSteps: [{ name: 'x' }], routingContext: { tier: 'gold' } };
    return outcome.decisionType === DecisionType.NO_BRANCHES ? this.decisionNoBranches(outcome, { m: 1 }) : this.decisionSuccessWithOutcome(outcome, { m: 1 });
  }
}

describe('DecisionHandler with outcomes', () => {
  it('DecisionType has the original values', () => {
    expect(DecisionType).toEqual({ CREATE_STEPS: 'create_steps', NO_BRANCHES: 'no_branches' });
  });

  it('decisionSuccessWithOutcome writes step_names, dynamic_steps and routing_context', async () => {
    const r = await new Router().call(createStepContext());
    expect(r.result).toEqual({ decision_point_outcome: { type: 'create_steps', step_names: ['a', 'b'] }, dynamic_steps: [{ name: 'x' }], routing_context: { tier: 'gold' } });
    expect(r.metadata).toEqual({ m: 1, decision_handler: 'router', decision_version: '3.1.0' });
  });

  it('decisionNoBranches(outcome, metadata) writes no_branches with the reason', async () => {
    const r = await new Router().call(createStepContext({ inputData: { skip: true } }));
    expect(r.result).toEqual({ decision_point_outcome: { type: 'no_branches' }, reason: 'nothing to do', routing_context: { why: 'skip' } });
  });
});

describe('DecisionMixin and applyDecision', () => {
  class Bound extends StepHandler implements Pick<DecisionCapable, 'decisionSuccess' | 'skipBranches'> {
    static override handlerName = 'bound_decider';
    decisionSuccess = DecisionMixin.prototype.decisionSuccess.bind(this);
    skipBranches = DecisionMixin.prototype.skipBranches.bind(this);
    async call(ctx: StepContext): Promise<StepHandlerResult> {
      return ctx.getInput('none') ? this.skipBranches('none') : this.decisionSuccess(['next'], { k: 1 });
    }
  }

  it('bound DecisionMixin methods name the handler', async () => {
    const r = await new Bound().call(createStepContext());
    expect(r.toJSON()).toMatchObject({ result: { decision_point_outcome: { type: 'create_steps', step_names: ['next'] }, routing_context: { k: 1 } }, metadata: { decision_handler: 'bound_decider', decision_version: '1.0.0' } });
    expect((await new Bound().call(createStepContext({ inputData: { none: true } }))).result).toMatchObject({ decision_point_outcome: { type: 'no_branches' }, reason: 'none' });
  });

  it('applyDecision adds all five helpers; DecisionMixin names itself from its class', () => {
    class Applied extends StepHandler {
      static override handlerName = 'applied_decider';
      constructor() {
        super();
        applyDecision(this);
      }
      async call(): Promise<StepHandlerResult> {
        return (this as unknown as DecisionCapable).decisionFailure('cannot decide');
      }
    }
    const d = new Applied() as unknown as DecisionCapable;
    expect(d.decisionSuccessWithOutcome({ decisionType: 'create_steps', nextStepNames: ['s'], routingContext: {} }).result).toEqual({ decision_point_outcome: { type: 'create_steps', step_names: ['s'] } });
    expect(d.decisionNoBranches({ decisionType: 'no_branches', nextStepNames: [], routingContext: {} }).result).toEqual({ decision_point_outcome: { type: 'no_branches' } });
    expect(d.decisionFailure('x').toJSON()).toMatchObject({ success: false, error_type: 'decision_error', retryable: false, metadata: { decision_handler: 'applied_decider' } });
    class Named extends DecisionMixin {
      static handlerName = 'named';
      static handlerVersion = '2.0.0';
    }
    expect([new Named().name, new Named().version]).toEqual(['named', '2.0.0']);
  });
});

let server: ServerHandle;
let base = '';

beforeAll(async () => {
  const runtime = await getRuntime();
  server = await runtime.serve(async (req) => {
    const url = new URL(req.url);
    if (url.pathname === '/items') return Response.json({ items: [1, 2], query: url.search, key: req.headers.get('x-api-key'), body: req.method === 'POST' ? await req.json() : null });
    return Response.json({ error: 'gone' }, { status: 503, headers: { 'retry-after': '9' } });
  }, { hostname: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server?.close();
});

describe('APIMixin and applyAPI', () => {
  it('applyAPI gives a plain StepHandler the HTTP helpers, configured by its statics', async () => {
    class Fetcher extends StepHandler {
      static override handlerName = 'fetcher';
      static baseUrl = '';
      static defaultHeaders = { 'x-api-key': 'secret-key' };
      constructor() {
        super();
        applyAPI(this);
      }
      async call(): Promise<StepHandlerResult> {
        const api = this as unknown as APICapable;
        const ok = await api.get(`${base}/items`, { page: 2 });
        return api.apiSuccess(ok);
      }
    }
    const r = await new Fetcher().call();
    expect(r.result).toEqual({ items: [1, 2], query: '?page=2', key: 'secret-key', body: null });
    expect((new Fetcher() as unknown as APICapable).timeout).toBe(30000);
  });

  it('APIMixin methods bound to a handler, and apiFailure classifies with Retry-After', async () => {
    class Poster extends StepHandler implements Pick<APICapable, 'post' | 'apiFailure'> {
      static override handlerName = 'poster';
      baseUrl = base;
      timeout = 5000;
      defaultHeaders = {};
      post = APIMixin.prototype.post.bind(this);
      apiFailure = APIMixin.prototype.apiFailure.bind(this);
      async call(): Promise<StepHandlerResult> {
        return this.apiFailure(await this.post('/nope', { body: { a: 1 } }));
      }
    }
    const r = await new Poster().call();
    expect(r.toJSON()).toMatchObject({ success: false, error_type: 'service_unavailable', retryable: true, metadata: { status_code: 503, retry_after_seconds: 9 } });
    expect(r.orchestrationMetadata?.backoffHint).toEqual({ type: 'server_requested', delaySeconds: 9 });
  });

  it('ApiHandler.getApiMixin() is bound to the handler settings', async () => {
    class Api extends ApiHandler {
      static override handlerName = 'api';
      static override baseUrl = 'http://placeholder';
      async call(): Promise<StepHandlerResult> {
        return this.success({});
      }
    }
    const mixin = new Api().getApiMixin();
    expect(mixin).toBeInstanceOf(APIMixin);
    expect(mixin.baseUrl).toBe('http://placeholder');
    const posted = await new APIMixin({ baseUrl: base, timeout: 5000, defaultHeaders: {} }).post('/items', { body: { n: 3 } });
    expect(posted.body).toMatchObject({ body: { n: 3 } });
  });
});
