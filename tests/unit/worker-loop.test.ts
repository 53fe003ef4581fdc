// The worker loop's edge cases without a database: a fake StepStore records every claim, completion,
// lease extension and release, and hands out claims the test scripts (issue 10, defects 1 and 5).
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/engine/index.ts';
import { HandlerRegistry, defineHandler } from '../../src/handlers/index.ts';
import { silentLogger } from '../../src/logging.ts';
import type { ClaimedStep } from '../../src/worker/step-claimer.ts';
import type { Completion } from '../../src/worker/step-completer.ts';
import type { Lease, StepStore } from '../../src/worker/step-store.ts';
import type { WorkSignal } from '../../src/queue/waker.ts';
import { workerSettings } from '../../src/worker/settings.ts';
import { Worker } from '../../src/worker/worker.ts';
import { waitFor } from '../helpers/db.ts';
import { yamlTemplate } from '../helpers/engine.ts';

const TEMPLATE = yamlTemplate(`
name: loop
namespace_name: loop_test
version: 1.0.0
steps:
  - name: only
    handler: { callable: held }
    timeout_seconds: 30
`);

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

let tokens = 0;
function claimOf(stepUuid: string): ClaimedStep {
  tokens++;
  return {
    msg_id: String(tokens), step_uuid: stepUuid, task_uuid: `task-${stepUuid}`, name: 'only', template_step_name: 'only',
    attempts: 1, max_attempts: 3, inputs: null, checkpoint: null, claim_token: `token-${tokens}`, lease_expires_at: new Date(),
    named_task_id: 1, namespace: 'loop_test', correlation_id: 'c', context: {}, dependency_results: null,
  };
}

/** A scripted store: `claims` are handed out one batch per claim call; extend answers come from `extendAnswer`. */
class FakeStore implements StepStore {
  claims: ClaimedStep[][] = [];
  completed: Completion[] = [];
  extended: string[][] = [];
  released: Lease[] = [];
  held = new Set<string>();
  extendGate: Promise<void> | null = null;
  extendFails = false;
  accepted: string[] = [];
  claimCalls = 0;
  async claim() {
    this.claimCalls++;
    const batch = this.claims.shift() ?? [];
    for (const c of batch) this.held.add(c.claim_token);
    return { claimed: batch, lost: 0 };
  }
  async complete(completions: readonly Completion[]) {
    this.completed.push(...completions);
    const accepted = new Set(completions.map((c) => c.claimToken).filter((t) => this.held.has(t)));
    for (const t of accepted) this.held.delete(t);
    this.accepted.push(...accepted);
    return accepted;
  }
  async extend(leases: readonly Lease[]) {
    this.extended.push(leases.map((l) => l.claimToken));
    if (this.extendFails) throw Object.assign(new Error('connection lost'), { code: 'CONNECTION_CLOSED' });
    const answer = new Set(leases.map((l) => l.claimToken).filter((t) => this.held.has(t)));
    if (this.extendGate) await this.extendGate;
    return answer;
  }
  async release(leases: readonly Lease[]) {
    this.released.push(...leases);
    return leases.length;
  }
  async checkpoint() {
    return true;
  }
}

/** A work signal the test pokes: `wait()` resolves on `wake()`. */
function manualSignal(): WorkSignal & { waits: number } {
  let wake: (() => void) | null = null;
  let pending = false;
  return {
    waits: 0,
    wait() {
      this.waits++;
      if (pending) {
        pending = false;
        return Promise.resolve();
      }
      return new Promise<void>((r) => (wake = r));
    },
    wake() {
      if (wake) {
        const w = wake;
        wake = null;
        w();
      } else pending = true;
    },
    markIdle() {},
  };
}

const workers: Worker[] = [];
afterEach(async () => {
  for (const w of workers.splice(0)) await w.stop(100);
});

function startWorker(store: FakeStore, handler: (signal: AbortSignal, stepUuid: string) => Promise<unknown>, config = {}) {
  const registry = new HandlerRegistry();
  registry.register(defineHandler('held', {}, ({ context }) => handler(context.signal, context.stepUuid)));
  const signal = manualSignal();
  const worker = new Worker({
    settings: workerSettings(resolveConfig({ common: { queues: { visibility_timeout_seconds: 1 } }, worker: { heartbeat_interval_ms: 200, max_concurrent_handlers: 2 }, ...config })),
    registry, templateOf: async () => TEMPLATE, logger: silentLogger, workerId: 'w1', signal, store,
  });
  workers.push(worker);
  worker.start();
  return { worker, signal };
}

describe('worker loop (fake store)', () => {
  it('does not abort a step claimed while a lease heartbeat was in flight', async () => {
    const store = new FakeStore();
    const gate = deferred<void>();
    const releaseHandlers = deferred<void>();
    const aborted: string[] = [];
    store.claims.push([claimOf('s1')]);
    const { signal } = startWorker(store, async (sig, step) => {
      sig.addEventListener('abort', () => aborted.push(step));
      await releaseHandlers.promise;
      return { ok: true };
    });
    // hold the next heartbeat's answer, claim s2 meanwhile, then let the answer (which only knows s1) arrive
    store.extendGate = gate.promise;
    await waitFor(() => store.extended.length > 0, { what: 'a heartbeat in flight' });
    store.claims.push([claimOf('s2')]);
    signal.wake();
    await waitFor(() => store.claimCalls >= 2 && store.held.size === 2, { what: 's2 claimed' });
    gate.resolve();
    store.extendGate = null;
    await waitFor(() => store.extended.some((asked) => asked.length === 2), { what: 'a heartbeat covering both claims' });
    releaseHandlers.resolve();
    await waitFor(() => store.completed.length === 2, { what: 'both completions' });
    expect(aborted).toEqual([]);
    expect(store.completed.map((c) => c.success)).toEqual([true, true]);
  });

  it('keeps two claims of one step apart (keyed by claim token): each is heartbeated and records its own outcome', async () => {
    const store = new FakeStore();
    const first = claimOf('same-step');
    const second = claimOf('same-step');
    store.claims.push([first]);
    // the heartbeat cannot reach the database, so the first claim's lease lapses while it runs here
    store.extendFails = true;
    // each execution finishes when the test says so
    const finishFirst = deferred<void>();
    const finishSecond = deferred<void>();
    let calls = 0;
    const { worker, signal } = startWorker(store, () =>
      ++calls === 1 ? finishFirst.promise.then(() => ({ first: true })) : finishSecond.promise.then(() => ({ second: true })));
    await waitFor(() => worker.inFlight === 1, { what: 'the first claim running' });
    store.held.delete(first.claim_token);
    store.claims.push([second]);
    signal.wake();
    await waitFor(() => worker.inFlight === 2, { what: 'both claims of the step tracked at once' });
    finishFirst.resolve();
    await waitFor(() => store.completed.some((c) => c.claimToken === first.claim_token), { what: 'the first claim to finish' });
    expect(worker.inFlight).toBe(1);
    // the database is back: the heartbeat must still know the second claim
    store.extendFails = false;
    const seen = store.extended.length;
    await waitFor(() => store.extended.slice(seen).some((asked) => asked.includes(second.claim_token)), { what: 'a heartbeat of the second claim' });
    finishSecond.resolve();
    await waitFor(() => store.completed.some((c) => c.claimToken === second.claim_token), { what: 'the second claim to finish' });
    const outcome = JSON.parse(store.completed.find((c) => c.claimToken === second.claim_token)!.resultsJson);
    expect(outcome).toMatchObject({ success: true, result: { second: true } });
    expect(store.accepted).toEqual([second.claim_token]);
  });

  it('aborts a handler whose lease was lost and records nothing for it', async () => {
    const store = new FakeStore();
    const claim = claimOf('lost');
    store.claims.push([claim]);
    let reason: string | undefined;
    const { worker } = startWorker(store, (sig) => new Promise((resolve) => sig.addEventListener('abort', () => {
      reason = (sig.reason as Error).name;
      resolve({ late: true });
    })));
    await waitFor(() => worker.inFlight === 1, { what: 'running' });
    store.held.delete(claim.claim_token);
    await waitFor(() => reason !== undefined, { what: 'the abort' });
    expect(reason).toBe('LeaseLostError');
    await waitFor(() => worker.inFlight === 0, { what: 'the execution to end' });
    expect(store.completed).toEqual([]);
    expect(worker.stats.lostLeases).toBe(1);
  });

  it('does not claim while every handler slot is busy (load shedding)', async () => {
    const store = new FakeStore();
    const release = deferred<void>();
    store.claims.push([claimOf('a'), claimOf('b')]);
    const { worker, signal } = startWorker(store, () => release.promise.then(() => ({})));
    await waitFor(() => worker.inFlight === 2, { what: 'both slots busy' });
    const calls = store.claimCalls;
    signal.wake();
    signal.wake();
    await new Promise((r) => setImmediate(r));
    expect(store.claimCalls).toBe(calls);
    release.resolve();
    await waitFor(() => store.claimCalls > calls, { what: 'a claim after a slot freed' });
  });

  it('releases the leases of handlers still running at shutdown', async () => {
    const store = new FakeStore();
    const claim = claimOf('stuck');
    store.claims.push([claim]);
    const { worker } = startWorker(store, () => new Promise(() => {}));
    await waitFor(() => worker.inFlight === 1, { what: 'running' });
    workers.splice(workers.indexOf(worker), 1);
    await worker.stop(50);
    expect(store.released.map((l) => l.claimToken)).toEqual([claim.claim_token]);
    expect(store.completed).toEqual([]);
  });
});
