import { html } from 'htm/preact';
import { api } from '../api.ts';
import { Dag } from '../parts/dag.ts';
import { pretty, usePoll } from '../util.ts';

function TemplateDetail({ id }: { id: string[] }) {
  const [namespace, name, version] = id;
  const path = `/v1/templates/${id.map(encodeURIComponent).join('/')}`;
  const { data, error } = usePoll(() => api(path), 0, [path]);
  if (!data) return html`<p class=${error ? 'error' : ''}>${error ?? 'Loading…'}</p>`;
  const steps: any[] = data.steps ?? [];
  return html`<section id="template">
    <h1>${namespace}/${name}@${version}</h1>
    ${data.description && html`<p>${data.description}</p>`}
    <h2>Graph</h2>
    <div class="scroll"><${Dag} nodes=${steps.map((s) => ({ id: s.name, label: s.name, dependencies: s.dependencies }))} /></div>
    <h2>Steps</h2>
    <table><thead><tr><th>step</th><th>type</th><th>handler</th><th>depends on</th><th>retry</th><th>timeout</th></tr></thead>
      <tbody>${steps.map((s) => html`<tr>
        <td>${s.name}</td><td>${s.type}</td><td><code>${s.handler.callable}${s.handler.method ? `#${s.handler.method}` : ''}</code></td>
        <td>${s.dependencies.join(', ')}</td>
        <td>${s.retry.retryable ? `${s.retry.maxAttempts} attempts, ${s.retry.backoff} from ${s.retry.backoffBaseMs} ms (max ${s.retry.maxBackoffMs} ms)` : 'not retryable'}</td>
        <td>${s.timeoutSeconds ? `${s.timeoutSeconds} s` : '—'}</td>
      </tr>`)}</tbody>
    </table>
    <h2>Input schema</h2>
    <pre>${data.inputSchema ? pretty(data.inputSchema) : 'none (any object)'}</pre>
    <p><a href=${`#/tasks?namespace=${encodeURIComponent(namespace)}&name=${encodeURIComponent(name)}`}>Tasks of this template</a></p>
  </section>`;
}

/** Registered templates, and one template's DAG, steps (handlers, retry policies) and input schema. */
export function TemplatesPage({ id }: { id: string[] }) {
  const { data, error } = usePoll(() => api('/v1/templates'), 0);
  if (id.length === 3) return html`<${TemplateDetail} id=${id} />`;
  if (!data) return html`<p class=${error ? 'error' : ''}>${error ?? 'Loading…'}</p>`;
  return html`<section id="templates">
    <h1>Templates</h1>
    <table><thead><tr><th>namespace</th><th>name</th><th>version</th><th>steps</th><th>description</th></tr></thead>
      <tbody>${data.templates.map((t: any) => html`<tr>
        <td>${t.namespace}</td>
        <td><a href=${`#/templates/${[t.namespace, t.name, t.version].map(encodeURIComponent).join('/')}`}>${t.name}</a></td>
        <td>${t.version}</td><td>${t.steps}</td><td>${t.description ?? ''}</td>
      </tr>`)}</tbody>
    </table>
  </section>`;
}
