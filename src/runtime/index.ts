import { TaskerError } from '../errors.ts';
import type { Runtime } from './types.ts';

export type { Runtime, FetchHandler, ServerHandle, SignalName, ThreadHandle, FileStat } from './types.ts';

/** The oldest Node.js major tasker supports (Bun and Deno bring their own Node compatibility). */
const MIN_NODE_MAJOR = 20;

/**
 * Which runtime is executing this code. Deno and Bun also report a Node version, so they are tested first.
 * RUNTIME_UNSUPPORTED on a host that is none of the three, or on a Node.js older than 20.
 */
export function detectRuntimeName(): Runtime['name'] {
  const g = globalThis as { Deno?: unknown; Bun?: unknown; process?: { versions?: { node?: string } } };
  if (typeof g.Deno !== 'undefined') return 'deno';
  if (typeof g.Bun !== 'undefined') return 'bun';
  const node = g.process?.versions?.node;
  if (!node) {
    throw new TaskerError('RUNTIME_UNSUPPORTED', 'tasker runs on Node.js, Bun or Deno; this host is none of them', { hint: 'use Node.js 20+, Bun or Deno 2' });
  }
  if (Number(node.split('.')[0]) < MIN_NODE_MAJOR) {
    throw new TaskerError('RUNTIME_UNSUPPORTED', `tasker needs Node.js ${MIN_NODE_MAJOR} or newer; this is Node.js ${node}`, { hint: 'upgrade Node.js (or use Bun or Deno 2)' });
  }
  return 'node';
}

let current: Runtime | undefined;

/** Loads (once) and returns the adapter for the runtime executing this code. */
export async function getRuntime(): Promise<Runtime> {
  if (current) return current;
  const name = detectRuntimeName();
  if (name === 'deno') current = (await import('./deno.ts')).denoRuntime;
  else if (name === 'bun') current = (await import('./bun.ts')).bunRuntime;
  else current = (await import('./node.ts')).nodeRuntime;
  return current;
}
