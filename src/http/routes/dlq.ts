import type { Hono } from 'hono';
import { validator } from 'hono-openapi';
import type { HttpContext } from '../context.ts';
import { jsonBody, rejectInvalid } from '../middleware.ts';
import { describe, errors } from '../openapi.ts';
import { DlqEntrySchema, DlqListSchema, ErrorSchema } from '../openapi-schemas.ts';
import { json } from '../responses.ts';
import { dlqParams, listDlqQuery, resolveDlqBody } from '../schemas.ts';
import { listDlq, resolveDlqEntry } from '../../orchestration/dlq.ts';

/** `/v1/dlq`: tasks that ran out of options (DESIGN §6.11); list and resolve. */
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

  app.patch(
    '/v1/dlq/:dlq_id',
    describe('resolveDlqEntry', 'Resolve an open DLQ entry (resolved, discarded, permanently_failed, cancelled)', {
      200: [DlqEntrySchema, 'the entry after the resolution'],
      400: [ErrorSchema, 'invalid body'],
      404: [ErrorSchema, 'no such DLQ entry'],
      409: [ErrorSchema, 'the entry is already resolved'],
      413: errors.tooLarge,
      415: errors.notJson,
    }),
    validator('param', dlqParams, rejectInvalid('path')),
    jsonBody(() => ctx.config.web.max_body_bytes),
    validator('json', resolveDlqBody, rejectInvalid('DLQ resolution')),
    async (c) => {
      const body = c.req.valid('json');
      const entry = await resolveDlqEntry(ctx.tasker.db, c.req.valid('param').dlq_id, { status: body.resolution, notes: body.notes, actor: body.actor ?? 'http-api' });
      const { snapshot: _snapshot, ...rest } = entry as typeof entry & { snapshot?: unknown };
      return json(rest);
    },
  );
}
