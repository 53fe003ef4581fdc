import type { Hono } from 'hono';
import { validator } from 'hono-openapi';
import type { HttpContext } from '../context.ts';
import { rejectInvalid } from '../middleware.ts';
import { describe, errors } from '../openapi.ts';
import { TemplateListSchema, TemplateSchema } from '../openapi-schemas.ts';
import { json } from '../responses.ts';
import { templateParams } from '../schemas.ts';

/** `/v1/templates`: registered templates (from the database, so every process's templates). */
export function addTemplateRoutes(app: Hono, ctx: HttpContext): void {
  app.get(
    '/v1/templates',
    describe('listTemplates', 'Registered templates', { 200: [TemplateListSchema, 'every registered template version'] }),
    async () => json({ templates: await ctx.templates.list(ctx.tasker.db) }),
  );

  // `latest` picks the highest registered version.
  app.get(
    '/v1/templates/:namespace/:name/:version',
    describe('getTemplate', 'One template', { 200: [TemplateSchema, 'the template'], 404: errors.notFound }),
    validator('param', templateParams, rejectInvalid('path')),
    async (c) => {
      const params = c.req.valid('param');
      const version = params.version === 'latest' ? null : params.version;
      const { template } = await ctx.templates.find(ctx.tasker.db, params.namespace, params.name, version);
      const { sourceFile: _source, ...rest } = template;
      return json(rest);
    },
  );
}
