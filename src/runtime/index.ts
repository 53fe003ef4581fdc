import type { Runtime } from './types.ts';

export type { Runtime, FetchHandler, ServerHandle, SignalName, ThreadHandle, FileStat } from './types.ts';

/** Which runtime is executing this code. Deno and Bun also report a Node version, so they are tested first. */
export function detectRuntimeName(): Runtime['name'] {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  if (typeof g.Deno !== 'undefined') return 'deno';
  if (typeof g.Bun !== 'undefined') return 'bun';
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
