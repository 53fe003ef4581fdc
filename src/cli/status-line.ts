import type { Runtime } from '../runtime/types.ts';

/** How long an operation may take before the terminal is told what is going on. */
export const STATUS_DELAY_MS = 300;

/**
 * Runs `fn`; if it takes longer than {@link STATUS_DELAY_MS} and stdout is a terminal, shows `text…` on
 * stderr until it finishes, then erases the line. Never prints anything when output goes to a pipe or file.
 */
export async function withStatus<T>(runtime: Runtime, text: string, fn: () => Promise<T>): Promise<T> {
  if (!runtime.isTTY) return fn();
  let shown = false;
  const timer = setTimeout(() => {
    shown = true;
    runtime.writeStderr(`${text}…`);
  }, STATUS_DELAY_MS);
  try {
    return await fn();
  } finally {
    clearTimeout(timer);
    if (shown) runtime.writeStderr('\r\x1b[2K');
  }
}
