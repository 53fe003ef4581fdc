import type { Queryable } from '../../db/types.ts';
import { validateQueueName } from '../names.ts';

/**
 * Creates a queue; a no-op when it exists. Resolves to true when this call created it.
 * Optional: `send`/`sendBatch` create the queue row on first use.
 */
export async function createQueue(q: Queryable, name: string): Promise<boolean> {
  validateQueueName(name);
  const rows = await q.query(`INSERT INTO queues (queue_name) VALUES ($1) ON CONFLICT (queue_name) DO NOTHING RETURNING queue_name`, [name]);
  return rows.length === 1;
}
