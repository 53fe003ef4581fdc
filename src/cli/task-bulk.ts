// `tasker task create --input @file.ndjson`: one task request per line, sent in batches that are each
// all-or-nothing (createTasks / POST /v1/tasks/batch).
import { TaskerError } from '../errors.ts';
import type { BatchItemError } from '../orchestration/task-bulk-creator.ts';
import type { CreateTaskRequest } from '../orchestration/task-creator.ts';
import type { TaskBackend } from './task-backend.ts';

/** True when `--input` names an NDJSON file (`@x.ndjson` or `@x.jsonl`). */
export function isNdjsonInput(input: unknown): input is string {
  return typeof input === 'string' && /^@.+\.(ndjson|jsonl)$/i.test(input);
}

/** One request of the file and the line it came from. */
export interface NdjsonRequest {
  line: number;
  request: CreateTaskRequest;
}

/**
 * Parses NDJSON task requests: each non-blank line a JSON object `{namespace, name, version?, context, …}`;
 * `defaults` (the positional template, --initiator, …) fill the fields a line leaves out. A bad line is an
 * INPUT_INVALID naming the file, the line and what is wrong.
 */
export function parseNdjsonRequests(text: string, file: string, defaults: Partial<CreateTaskRequest>): NdjsonRequest[] {
  const out: NdjsonRequest[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (!raw) continue;
    const where = `${file}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (cause) {
      throw new TaskerError('INPUT_INVALID', `${where}: not valid JSON: ${(cause as Error).message}`, {
        cause, hint: 'each line must be one JSON object, e.g. {"namespace": "billing", "name": "invoice", "context": {"id": 1}}',
        details: { file, line: i + 1 },
      });
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new TaskerError('INPUT_INVALID', `${where}: expected a JSON object (a task request), got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`, {
        hint: 'each line must be one JSON object with namespace, name and context', details: { file, line: i + 1 },
      });
    }
    const request = { ...defaults, ...(value as CreateTaskRequest) };
    if (!request.namespace || !request.name) {
      throw new TaskerError('INPUT_INVALID', `${where}: no template: the line has no namespace/name and no <namespace>/<name> was given`, {
        hint: 'add "namespace" and "name" to the line, or pass the template: tasker task create billing/invoice --input @file.ndjson',
        details: { file, line: i + 1 },
      });
    }
    out.push({ line: i + 1, request: { ...request, context: request.context ?? {} } });
  }
  return out;
}

/** Sends `requests` in batches of `batchSize`; a refused batch is reported by file line (earlier batches stay created). */
export async function createInBatches(
  backend: TaskBackend,
  requests: NdjsonRequest[],
  file: string,
  batchSize: number,
  onBatch: (created: number) => void,
): Promise<{ created: number; batches: number; task_uuids: string[] }> {
  const uuids: string[] = [];
  let batches = 0;
  for (let start = 0; start < requests.length; start += batchSize) {
    const batch = requests.slice(start, start + batchSize);
    try {
      const tasks = await backend.createMany(batch.map((r) => r.request));
      for (const t of tasks) uuids.push(t.task_uuid);
    } catch (err) {
      const items = err instanceof TaskerError ? (err.details?.errors as BatchItemError[] | undefined) : undefined;
      if (!(err instanceof TaskerError) || !Array.isArray(items)) throw err;
      const lines = items.map((e) => ({ ...e, line: batch[e.index]?.line }));
      const shown = lines.slice(0, 10).map((e) => `  ${file}:${e.line}: ${e.code}: ${e.message}`).join('\n');
      throw new TaskerError(
        'TASK_BATCH_REJECTED',
        `${items.length} request(s) refused in the batch of lines ${batch[0].line}–${batch[batch.length - 1].line}, so none of that batch was created` +
          ` (${uuids.length} task(s) of earlier batches were):\n${shown}${lines.length > 10 ? `\n  … ${lines.length - 10} more` : ''}`,
        { hint: `fix the listed lines and run again from line ${batch[0].line} (earlier lines are created)`, details: { file, created: uuids.length, errors: lines } },
      );
    }
    batches++;
    onBatch(uuids.length);
  }
  return { created: uuids.length, batches, task_uuids: uuids };
}
