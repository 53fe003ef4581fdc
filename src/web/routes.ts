import type { Hono, MiddlewareHandler } from 'hono';
import { etag } from 'hono/etag';
import { secureHeaders } from 'hono/secure-headers';
import { serveStatic } from 'hono/serve-static';
import { validator } from 'hono-openapi';
import * as v from 'valibot';
import type { HttpContext } from '../http/context.ts';
import { rejectInvalid } from '../http/middleware.ts';
import { queueDepths } from '../http/observability-queries.ts';
import { json } from '../http/responses.ts';
import { getTransitions } from '../orchestration/task-queries.ts';
import { TaskState } from '../orchestration/state-machine.ts';
import { uiAssets, uiIndexHtml } from './assets.generated.ts';
import { attemptsOf } from './attempts.ts';
import { listTaskPage, openDlqEntry, overview, stepTransitions } from './queries.ts';

/**
 * The Content-Security-Policy of every /ui response: only this origin's scripts, styles and API; no
 * inline script or style elements, no frames, no plugins, no form posts elsewhere.
 */
const CSP = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

const text = (max: number) => v.optional(v.pipe(v.string(), v.nonEmpty(), v.maxLength(max)));
const timestamp = v.optional(v.pipe(v.string(), v.check((s) => !Number.isNaN(Date.parse(s)), 'expected a date-time')));

/** Query of `GET /ui/api/tasks`. */
const taskPageQuery = v.strictObject(
  {
    namespace: text(128),
    name: text(128),
    state: v.optional(v.picklist(Object.values(TaskState), `expected one of ${Object.values(TaskState).join(', ')}`)),
    correlation_id: v.optional(v.pipe(v.string(), v.uuid('expected a UUID'))),
    created_after: timestamp,
    created_before: timestamp,
    cursor: text(200),
    limit: v.optional(v.pipe(v.string(), v.regex(/^\d+$/, 'expected an integer'), v.transform(Number), v.minValue(1), v.maxValue(200)), '50'),
  },
  'unknown query parameter',
);

const uiHeaders: MiddlewareHandler = secureHeaders({ contentSecurityPolicy: CSP, crossOriginEmbedderPolicy: false, referrerPolicy: 'no-referrer' });

/** The HTML shell: revalidated on every load (it names the current hashed assets). */
function index(): Response {
  return new Response(uiIndexHtml, { headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' } });
}

/**
 * The dashboard (`[web] ui`): the page at `/ui`, its hashed assets under `/ui/assets/` (immutable) and its
 * data under `/ui/api/` (behind the API key, like `/v1`). The page drives the `/v1` API for everything
 * `/v1` already answers (templates, DLQ, actions); `/ui/api` adds the reads `/v1` has no shape for.
 */
export function addUiRoutes(app: Hono, ctx: HttpContext): void {
  app.use('/ui', uiHeaders, etag());
  app.use('/ui/*', uiHeaders, etag());
  app.get('/ui', index);
  app.get(
    '/ui/assets/*',
    serveStatic({
      root: '/',
      rewriteRequestPath: (path) => path.slice('/ui/assets/'.length),
      getContent: async (path) => uiAssets[path.replace(/^\/+/, '')]?.body ?? null,
      onFound: (_path, c) => void c.header('cache-control', 'public, max-age=31536000, immutable'),
    }),
  );

  app.get('/ui/api/overview', async () => {
    const [figures, queues] = await Promise.all([overview(ctx.tasker.db), queueDepths(ctx.tasker.db)]);
    return json({
      ...figures,
      queues: queues.map((q) => ({ name: q.queueName, depth: q.queueLength, visible: q.visibleLength, oldest_age_seconds: q.oldestMsgAgeSeconds })),
      now: new Date().toISOString(),
    });
  });

  app.get('/ui/api/tasks', validator('query', taskPageQuery, rejectInvalid('query')), async (c) => {
    return json(await listTaskPage(ctx.tasker.db, c.req.valid('query')));
  });

  app.get('/ui/api/tasks/:task_uuid', async (c) => {
    const task = await ctx.tasker.getTask(c.req.param('task_uuid'), { steps: true });
    const steps = task.steps ?? [];
    const [transitions, history, dlq] = await Promise.all([
      stepTransitions(ctx.tasker.db, steps.map((s) => s.step_uuid)),
      getTransitions(ctx.tasker.db, task.task_uuid, null),
      openDlqEntry(ctx.tasker.db, task.task_uuid),
    ]);
    return json({ task, transitions, attempts: attemptsOf(transitions), task_transitions: history, dlq, now: new Date().toISOString() });
  });
}
