import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, qs } from '../api.ts';
import { short, usePoll, when } from '../util.ts';

const STATES = ['', 'pending', 'steps_in_process', 'waiting_for_dependencies', 'waiting_for_retry', 'blocked_by_failures', 'complete', 'error', 'cancelled', 'resolved_manually'];
const FIELDS = ['namespace', 'name', 'state', 'correlation_id', 'created_after', 'created_before'] as const;

/** `datetime-local` value → ISO timestamp (the browser's time zone). */
const toIso = (local: string) => (local ? new Date(local).toISOString() : '');

/** Tasks, newest first, filtered; keyset pages (Next follows the cursor, First drops it). Refreshes every 2 s. */
export function TasksPage({ query }: { query: URLSearchParams }) {
  const filter = Object.fromEntries(FIELDS.map((f) => [f, query.get(f) ?? '']));
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const key = JSON.stringify(filter);
  const { data, error } = usePoll(() => api(`/ui/api/tasks${qs({ ...filter, cursor, limit: 50 })}`), cursor ? 0 : 2000, [key, cursor]);

  const submit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const next: Record<string, string> = {};
    for (const f of FIELDS) {
      const value = String(form.get(f) ?? '').trim();
      next[f] = f.startsWith('created_') ? toIso(value) : value;
    }
    setCursors([]);
    location.hash = `#/tasks${qs(next)}`;
  };
  const local = (iso: string) => (iso ? new Date(new Date(iso).getTime() - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 16) : '');

  return html`<section id="tasks">
    <h1>Tasks</h1>
    <form class="filters" onSubmit=${submit} key=${key}>
      <label>namespace <input name="namespace" value=${filter.namespace} /></label>
      <label>template <input name="name" value=${filter.name} /></label>
      <label>state <select name="state">${STATES.map((s) => html`<option value=${s} selected=${filter.state === s}>${s || 'any'}</option>`)}</select></label>
      <label>correlation id <input name="correlation_id" value=${filter.correlation_id} size="36" /></label>
      <label>created after <input type="datetime-local" name="created_after" value=${local(filter.created_after)} /></label>
      <label>created before <input type="datetime-local" name="created_before" value=${local(filter.created_before)} /></label>
      <button type="submit">Filter</button>
      <a href="#/tasks" onClick=${() => setCursors([])}>clear</a>
    </form>
    ${error && html`<p class="error">${error}</p>`}
    ${!data ? html`<p>Loading…</p>` : html`
      <table class="tasks">
        <thead><tr><th>task</th><th>template</th><th>state</th><th>steps</th><th>created</th><th>finished</th></tr></thead>
        <tbody>${data.tasks.length === 0 ? html`<tr><td colspan="6">No tasks match.</td></tr>` : data.tasks.map((t: any) => html`<tr data-task=${t.task_uuid}>
          <td><a href=${`#/tasks/${t.task_uuid}`} title=${t.task_uuid}>${short(t.task_uuid)}</a></td>
          <td>${t.namespace}/${t.name}@${t.version}</td>
          <td><span class=${`state ${t.state}`}>${t.state}</span></td>
          <td>${t.steps_complete}/${t.steps_total}</td>
          <td>${when(t.created_at)}</td>
          <td>${when(t.completed_at)}</td>
        </tr>`)}</tbody>
      </table>
      <div class="pager">
        <button disabled=${cursors.length === 0} onClick=${() => setCursors([])}>First page</button>
        <button disabled=${cursors.length === 0} onClick=${() => setCursors(cursors.slice(0, -1))}>Previous</button>
        <button disabled=${!data.next_cursor} onClick=${() => setCursors([...cursors, data.next_cursor])}>Next</button>
      </div>`}
  </section>`;
}
