import type { HttpContext } from '../context.ts';
import { validate } from '../body.ts';
import { json } from '../responses.ts';
import type { Router } from '../router.ts';
import { listDlq } from '../../orchestration/dlq.ts';
import { listDlqQuery, queryObject } from '../schemas.ts';

/** `/v1/dlq`: tasks that ran out of options (DESIGN §6.11). */
export function addDlqRoutes(router: Router<HttpContext>): void {
  router.add('GET', '/v1/dlq', async (ctx, { url }) => {
    const query = validate(listDlqQuery, queryObject(url), 'query');
    const { entries, total } = await listDlq(ctx.tasker.db, { status: query.status, taskUuid: query.task_uuid, limit: query.limit, offset: query.offset });
    return json({ entries, pagination: { total, limit: query.limit, offset: query.offset } });
  });
}
