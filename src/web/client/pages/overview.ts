import { html } from 'htm/preact';
import { api } from '../api.ts';
import { ThroughputChart } from '../parts/chart.ts';
import { usePoll, when } from '../util.ts';

const STATE_ORDER = ['pending', 'steps_in_process', 'waiting_for_dependencies', 'waiting_for_retry', 'blocked_by_failures', 'complete', 'error', 'cancelled', 'resolved_manually'];

/** Overview: tasks by state per namespace, throughput, queues, in-flight steps, workers, DLQ — every 2 s. */
export function OverviewPage() {
  const { data, error } = usePoll(() => api('/ui/api/overview'), 2000);
  if (!data) return html`<p>${error ?? 'Loading…'}</p>`;
  const namespaces = Object.entries(data.tasks_by_namespace as Record<string, Record<string, number>>).sort(([a], [b]) => a.localeCompare(b));
  const states = [...new Set([...STATE_ORDER, ...namespaces.flatMap(([, s]) => Object.keys(s))])].filter((s) => namespaces.some(([, c]) => c[s]));
  return html`<section id="overview">
    <h1>Overview</h1>
    ${error && html`<p class="error">${error}</p>`}
    <div class="cards">
      <div class="card"><span class="figure" id="in-flight">${data.in_flight_steps}</span> steps in flight</div>
      <a class="card" href="#/dlq"><span class="figure" id="dlq-open">${data.dlq_open}</span> open DLQ entries</a>
      <div class="card"><span class="figure">${data.workers.length}</span> workers seen (5 min)</div>
    </div>
    <h2>Tasks by state</h2>
    <p class="hint">Unfinished tasks, and tasks finished among those created in the last 24 hours.</p>
    ${namespaces.length === 0 ? html`<p>No tasks yet.</p>` : html`<table class="counts">
      <thead><tr><th>namespace</th>${states.map((s) => html`<th><span class=${`state ${s}`}>${s}</span></th>`)}</tr></thead>
      <tbody>${namespaces.map(([ns, counts]) => html`<tr>
        <td>${ns}</td>
        ${states.map((s) => html`<td>${counts[s] ? html`<a href=${`#/tasks?namespace=${encodeURIComponent(ns)}&state=${s}`}>${counts[s]}</a>` : ''}</td>`)}
      </tr>`)}</tbody>
    </table>`}
    <h2>Steps over the last hour</h2>
    <${ThroughputChart} points=${data.throughput} />
    <div class="columns">
      <div>
        <h2>Queues</h2>
        <table><thead><tr><th>queue</th><th>depth</th><th>visible</th><th>oldest (s)</th></tr></thead>
          <tbody>${data.queues.map((q: any) => html`<tr><td>${q.name}</td><td>${q.depth}</td><td>${q.visible}</td><td>${q.oldest_age_seconds ?? '—'}</td></tr>`)}</tbody>
        </table>
      </div>
      <div>
        <h2>Workers</h2>
        ${data.workers.length === 0 ? html`<p>No claims in the last 5 minutes.</p>` : html`<table><thead><tr><th>worker</th><th>last claim</th><th>claims (5 min)</th></tr></thead>
          <tbody>${data.workers.map((w: any) => html`<tr><td>${w.worker}</td><td>${when(w.last_seen)}</td><td>${w.claims}</td></tr>`)}</tbody></table>`}
      </div>
    </div>
  </section>`;
}
