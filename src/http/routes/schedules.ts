import type { Hono } from 'hono';
import type { HttpContext } from '../context.ts';
import { describe } from '../openapi.ts';
import { ScheduleListSchema } from '../openapi-schemas.ts';
import { json } from '../responses.ts';
import { listSchedules } from '../../scheduling/schedule-store.ts';

/** `GET /v1/schedules`: the registered cron schedules (issue 17) with their state and next tick. */
export function addScheduleRoutes(app: Hono, ctx: HttpContext): void {
  app.get(
    '/v1/schedules',
    describe('listSchedules', 'The cron schedules, with paused state, last and next tick', {
      200: [ScheduleListSchema, 'every registered schedule, by name'],
    }),
    async () => json({ schedules: await listSchedules(ctx.tasker.db) }),
  );
}
