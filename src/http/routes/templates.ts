import type { HttpContext } from '../context.ts';
import { json } from '../responses.ts';
import type { Router } from '../router.ts';

/** `/v1/templates`: registered templates (from the database, so every process's templates). */
export function addTemplateRoutes(router: Router<HttpContext>): void {
  router.add('GET', '/v1/templates', async (ctx) => {
    return json({ templates: await ctx.templates.list(ctx.tasker.db) });
  });

  // `latest` picks the highest registered version.
  router.add('GET', '/v1/templates/:namespace/:name/:version', async (ctx, { params }) => {
    const version = params.version === 'latest' ? null : params.version;
    const { template } = await ctx.templates.find(ctx.tasker.db, params.namespace, params.name, version);
    const { sourceFile: _source, ...rest } = template;
    return json(rest);
  });
}
