import type { Db } from '../db/types.ts';
import { HttpError } from './responses.ts';

// Cancel, manual step actions and the DLQ live in src/orchestration; until they land these answer 501.
const pending = (what: string) => new HttpError('NOT_IMPLEMENTED', `${what} is not available in this build of tasker yet`);

/** Cancels a task (DESIGN §6.11). */
export async function cancelTaskOperation(_db: Db, _taskUuid: string, _options: { actor: string; reason: string }): Promise<unknown> {
  throw pending('task cancellation');
}

/** Applies a manual step action (DESIGN §6.11). */
export async function stepActionOperation(
  _db: Db,
  _taskUuid: string,
  _step: string,
  _options: { action: string; actor: string; reason: string; result?: unknown },
): Promise<unknown> {
  throw pending('manual step actions');
}

/** Lists DLQ entries. */
export async function listDlqOperation(_db: Db, _options: { status?: string; limit: number; offset: number }): Promise<{ entries: unknown[]; total: number }> {
  throw pending('the dead letter queue listing');
}
