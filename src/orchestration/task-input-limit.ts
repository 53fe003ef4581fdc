import { TaskerError } from '../errors.ts';

const encoder = new TextEncoder();

/**
 * Checks a task input before anything is written (every creation path calls it: library, CLI, HTTP):
 * it must encode as JSON, fit `[orchestration] max_task_input_bytes`, and hold no NUL character
 * (PostgreSQL's jsonb cannot store \u0000). Throws INPUT_TOO_LARGE / INPUT_INVALID naming the task.
 */
export function checkTaskInput(context: unknown, what: string, maxBytes: number): void {
  let json: string;
  try {
    json = JSON.stringify(context) ?? 'null';
  } catch (err) {
    const reason = err instanceof RangeError ? 'it is larger than the runtime can encode' : (err as Error).message;
    throw new TaskerError('INPUT_INVALID', `task input for ${what} cannot be encoded as JSON: ${reason}`, {
      hint: 'pass plain JSON values (no bigint, function or circular reference)',
    });
  }
  const bytes = json.length > maxBytes ? json.length : encoder.encode(json).length;
  if (bytes > maxBytes) {
    throw new TaskerError('INPUT_TOO_LARGE', `task input for ${what} is ${bytes} bytes, over the limit of ${maxBytes} bytes ([orchestration] max_task_input_bytes)`, {
      hint: 'store large data elsewhere and pass a reference in the input, or raise the limit',
      details: { size_bytes: bytes, limit_bytes: maxBytes },
    });
  }
  if (json.includes('\\u0000')) {
    throw new TaskerError('INPUT_INVALID', `task input for ${what} contains a NUL character (\\u0000), which PostgreSQL's jsonb cannot store`, {
      hint: 'remove the NUL characters or encode that value (e.g. base64)',
    });
  }
}
