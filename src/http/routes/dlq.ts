import type { Hono } from 'hono';
import { validator } from 'hono-openapi';
import type { HttpContext } from '../context.ts';
import { rejectInvalid } from '../middleware.ts';
import { describe, errors } from '../openapi.ts';
import { DlqListSchema } from '../openapi-schemas.ts';
import { json } from '../responses.ts';
import { listDlqQuery } from '../schemas.ts';
import { listDlq } from '../../orchestration/dlq.ts';

/** `/v1/dlq`: tasks that ran out of options (DESIGN §6.11). */
export function addDlqRoutes(app: Hono, ctx: HttpContext): void {
  app.get(
    '/v1/dlq',
    describe('listDlq', 'Dead letter queue entries (tasks that ran out of options)', { 200: [DlqListSchema, 'a page of DLQ entries'], 400: errors.badQuery }),
    validator('query', listDlqQuery, rejectInvalid('query')),
    async (c) => {
      const query = c.req.valid('query');
      const { entries, total } = await listDlq(ctx.tasker.db, { status: query.status, taskUuid: query.task_uuid, limit: query.limit, offset: query.offset });
      return json({ entries, pagination: { total, limit: query.limit, offset: query.offset } });
    },
  );
}
