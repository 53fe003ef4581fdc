import * as v from 'valibot';
import type { HttpContext } from '../context.ts';
import { validate } from '../body.ts';
import { json } from '../responses.ts';
import type { Router } from '../router.ts';
import { listEvents } from '../../events/queries.ts';
import { queryObject } from '../schemas.ts';

const digits = (what: string) => v.pipe(v.string(), v.regex(/^\d+$/, `expected ${what}`));

/** Query of `GET /v1/events`. */
const listEventsQuery = v.strictObject(
  {
    name: v.optional(v.pipe(v.string(), v.maxLength(200))),
    task_uuid: v.optional(v.pipe(v.string(), v.uuid('expected a UUID'))),
    after: v.optional(digits('an event_seq (digits)')),
    limit: v.optional(v.pipe(digits('an integer 1–1000'), v.transform(Number), v.minValue(1), v.maxValue(1000)), '50'),
  },
  'unknown query parameter',
);

/** `GET /v1/events`: stored domain events (issue 15), oldest first, with their delivery state per subscriber group. */
export function addEventRoutes(router: Router<HttpContext>): void {
  router.add('GET', '/v1/events', async (ctx, { url }) => {
    const query = validate(listEventsQuery, queryObject(url), 'query');
    const events = await listEvents(ctx.tasker.db, { name: query.name, taskUuid: query.task_uuid, afterSeq: query.after, limit: Number(query.limit) });
    return json({ events, next_after: events.length ? events[events.length - 1].event_seq : (query.after ?? null) });
  });
}
