import type { Hono } from 'hono';
import { describeRoute, openAPIRouteHandler, resolver } from 'hono-openapi';
import type * as v from 'valibot';
import { ErrorSchema } from './openapi-schemas.ts';

type Responses = Record<number, [schema: v.GenericSchema | null, description: string]>;

const common: Responses = { 401: [ErrorSchema, 'missing or wrong API key (when [web] auth.api_key is set)'], 500: [ErrorSchema, 'internal error'] };

/**
 * The OpenAPI description of one route (hono-openapi's `describeRoute`): its operation id, summary and
 * responses; parameters and request bodies come from the route's validators.
 */
export function describe(operationId: string, summary: string, responses: Responses) {
  const all = { ...responses, ...common };
  return describeRoute({
    operationId,
    summary,
    responses: Object.fromEntries(
      Object.entries(all).map(([status, [schema, description]]) => [
        status,
        schema ? { description, content: { 'application/json': { schema: resolver(schema) } } } : { description },
      ]),
    ),
  });
}

/** The error responses most routes share. */
export const errors = {
  notFound: [ErrorSchema, 'no such task / step / template'],
  badQuery: [ErrorSchema, 'invalid query'],
  tooLarge: [ErrorSchema, 'body larger than [web] max_body_bytes'],
  notJson: [ErrorSchema, 'body is not JSON'],
} satisfies Record<string, Responses[number]>;

/** `GET /openapi.json`: the OpenAPI 3.1 document of the `/v1` routes, generated from their schemas. */
export function openApiHandler(app: Hono, version: string) {
  return openAPIRouteHandler(app, {
    exclude: [/^(?!\/v1\/)/],
    defaultValidationErrorResponse: false,
    documentation: {
      openapi: '3.1.0',
      info: { title: 'tasker', version, description: 'DAG workflow engine: tasks, steps, templates and the DLQ.' },
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{}, { apiKey: [] }, { bearer: [] }],
    },
  });
}
