import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, qs } from '../api.ts';
import { short, usePoll, when } from '../util.ts';

const STATUSES = ['pending', 'resolved', 'discarded', 'permanently_failed', 'cancelled'];
const RESOLUTIONS = ['resolved', 'discarded', 'permanently_failed', 'cancelled'];

function Resolve({ entry, done }: { entry: any; done: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const resolution = String(form.get('resolution'));
    if (!confirm(`Resolve the DLQ entry of task ${short(entry.task_uuid)} as ${resolution}?`)) return;
    try {
      await api(`/v1/dlq/${entry.dlq_id}`, { method: 'PATCH', body: { resolution, notes: String(form.get('notes') ?? '') || null, actor: 'dashboard' } });
      done();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return html`<form class="inline" onSubmit=${submit}>
    <select name="resolution">${RESOLUTIONS.map((r) => html`<option>${r}</option>`)}</select>
    <input name="notes" placeholder="notes" />
    <button type="submit">Resolve</button>
    ${error && html`<span class="error">${error}</span>`}
  </form>`;
}

/** The dead letter queue: entries by status, a link to investigate each task, and resolving open ones. */
export function DlqPage({ query }: { query: URLSearchParams }) {
  const status = query.get('status') ?? 'pending';
  const [offset, setOffset] = useState(0);
  const { data, error, reload } = usePoll(() => api(`/v1/dlq${qs({ status, limit: 50, offset })}`), 2000, [status, offset]);
  return html`<section id="dlq">
    <h1>Dead letter queue</h1>
    <nav class="tabs">${STATUSES.map((s) => html`<a href=${`#/dlq?status=${s}`} class=${s === status ? 'active' : ''} onClick=${() => setOffset(0)}>${s}</a>`)}</nav>
    ${error && html`<p class="error">${error}</p>`}
    ${!data ? html`<p>Loading…</p>` : html`
      <table><thead><tr><th>task</th><th>template</th><th>task state</th><th>reason</th><th>since</th><th>${status === 'pending' ? 'resolve' : 'resolution'}</th></tr></thead>
        <tbody>${data.entries.length === 0 ? html`<tr><td colspan="6">No entries.</td></tr>` : data.entries.map((e: any) => html`<tr>
          <td><a href=${`#/tasks/${e.task_uuid}`}>${short(e.task_uuid)}</a></td>
          <td>${e.namespace}/${e.name}@${e.version}</td>
          <td><span class=${`state ${e.task_state}`}>${e.task_state}</span></td>
          <td>${e.reason}</td><td>${when(e.created_at)}</td>
          <td>${e.resolution_status === 'pending' ? html`<${Resolve} entry=${e} done=${reload} />` : `${e.resolution_status} by ${e.resolved_by ?? '?'} ${when(e.resolved_at)}${e.resolution_notes ? `: ${e.resolution_notes}` : ''}`}</td>
        </tr>`)}</tbody>
      </table>
      <div class="pager">
        <button disabled=${offset === 0} onClick=${() => setOffset(Math.max(0, offset - 50))}>Previous</button>
        <span>${data.pagination.total} entries</span>
        <button disabled=${offset + 50 >= data.pagination.total} onClick=${() => setOffset(offset + 50)}>Next</button>
      </div>`}
  </section>`;
}
