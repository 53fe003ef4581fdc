// Handlers of the api_examples example: GET `${base_url}/resources/${resource_id}` and summarise the body.
// Imports the handler API directly until src/index.ts exists.
import { ApiHandler, StepHandler, type StepContext, type StepHandlerResult } from '../../src/index.ts';

/** fetch_resource: fetches the resource; HTTP errors are classified (429/5xx retryable, 4xx permanent). */
export class FetchResourceHandler extends ApiHandler {
  static override handlerName = 'fetch_resource_handler';
  static override defaultTimeout = 10000;
  async call(context: StepContext): Promise<StepHandlerResult> {
    const baseUrl = String(context.getInput('base_url') ?? '').replace(/\/+$/, '');
    const id = context.getInput('resource_id');
    try {
      const response = await this.get(`${baseUrl}/resources/${encodeURIComponent(String(id))}`);
      return response.ok ? this.apiSuccess(response) : this.apiFailure(response);
    } catch (err) {
      return this.requestError(err, `fetching resource ${String(id)}`);
    }
  }
}

/** summarize_resource: `{id, name_length}` of the fetched body. */
export class SummarizeResourceHandler extends StepHandler {
  static override handlerName = 'summarize_resource_handler';
  async call(context: StepContext): Promise<StepHandlerResult> {
    const body = context.getDependencyResult('fetch_resource');
    if (typeof body?.name !== 'string') {
      return this.failure('fetched resource has no string `name`', 'validation_error', false);
    }
    return this.success({ id: body.id, name_length: body.name.length });
  }
}
