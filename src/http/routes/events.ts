import type { Hono } from 'hono';
import { validator } from 'hono-openapi';
import * as v from 'valibot';
import type { HttpContext } from '../context.ts';
import { rejectInvalid } from '../middleware.ts';
import { describe, errors } from '../openapi.ts';
import { EventListSchema } from '../openapi-schemas.ts';
import { json } from '../responses.ts';
import { listEvents } from '../../events/queries.ts';

const digits = (what: string) => v.pipe(v.string(), v.regex(/^\d+$/, `expected ${what}`));

/** Query of `GET /v1/events`. */
const listEventsQuery = v.strictObject(
  {
    name: v.optional(v.pipe(v.string(), v.maxLength(200), v.description('event-name pattern, * wildcards (order.*)'))),
    task_uuid: v.optional(v.pipe(v.string(), v.uuid('expected a UUID'), v.description('only events of this task'))),
    after: v.optional(v.pipe(digits('an event_seq (digits)'), v.description('only events after this event_seq (follow with next_after)'))),
    limit: v.optional(v.pipe(digits('an integer 1–1000'), v.transform(Number), v.minValue(1), v.maxValue(1000)), '50'),
  },
  'unknown query parameter',
);

/** `GET /v1/events`: stored domain events (issue 15), oldest first, with their delivery state per subscriber group. */
export function addEventRoutes(app: Hono, ctx: HttpContext): void {
  app.get(
    '/v1/events',
    describe('listEvents', 'Stored domain events, oldest first, with their delivery state per subscriber group', {
      200: [EventListSchema, 'the newest matching events, or those after `after`'],
      400: errors.badQuery,
    }),
    validator('query', listEventsQuery, rejectInvalid('query')),
    async (c) => {
      const query = c.req.valid('query');
      const events = await listEvents(ctx.tasker.db, { name: query.name, taskUuid: query.task_uuid, afterSeq: query.after, limit: Number(query.limit) });
      return json({ events, next_after: events.length ? events[events.length - 1].event_seq : (query.after ?? null) });
    },
  );
}
