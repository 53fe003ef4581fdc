import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { Dag } from '../parts/dag.ts';
import { Gantt } from '../parts/gantt.ts';
import { FINISHED, pretty, usePoll, when } from '../util.ts';
import { StepDetails } from './step-details.ts';

/** A task: header, actions, its DAG coloured by state, the attempt timeline and the selected step's details. Live (1 s) until finished. */
export function TaskPage({ uuid }: { uuid: string }) {
  const [finished, setFinished] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const { data, error, reload } = usePoll(async () => {
    const d = await api(`/ui/api/tasks/${encodeURIComponent(uuid)}`);
    setFinished(FINISHED.includes(d.task.state));
    return d;
  }, finished ? 5000 : 1000, [uuid, finished]);
  if (!data) return html`<p class=${error ? 'error' : ''}>${error ?? 'Loading…'}</p>`;
  const { task, attempts, task_transitions: history, dlq } = data;
  const steps: any[] = task.steps;
  const nameOf = new Map(steps.map((s) => [s.step_uuid, s.name]));
  const now = Date.parse(data.now);

  const act = async (what: string, run: () => Promise<unknown>) => {
    if (!confirm(what)) return;
    try {
      await run();
      setNotice(`Done: ${what}`);
    } catch (err) {
      setNotice(`Failed: ${(err as Error).message}`);
    }
    reload();
  };
  const cancel = () => act(`Cancel task ${task.task_uuid}?`, () => api(`/v1/tasks/${task.task_uuid}?reason=${encodeURIComponent('cancelled from the dashboard')}&actor=dashboard`, { method: 'DELETE' }));
  const step = steps.find((s) => s.step_uuid === selected) ?? null;

  return html`<section id="task" data-state=${task.state}>
    <h1>${task.namespace}/${task.name}@${task.version} <span class=${`state ${task.state}`} id="task-state">${task.state}</span></h1>
    <dl class="facts">
      <dt>task</dt><dd><code>${task.task_uuid}</code></dd>
      <dt>correlation</dt><dd><a href=${`#/tasks?correlation_id=${task.correlation_id}`}><code>${task.correlation_id}</code></a></dd>
      <dt>created</dt><dd>${when(task.created_at)}</dd>
      <dt>finished</dt><dd>${when(task.completed_at)}</dd>
      <dt>progress</dt><dd>${task.step_counts.complete}/${task.step_counts.total} steps (${task.completion_percentage}%), ${task.execution_status}</dd>
      ${dlq && html`<dt>DLQ</dt><dd><a href="#/dlq">${dlq.reason}</a> since ${when(dlq.created_at)}</dd>`}
    </dl>
    <div class="actions">
      <button id="cancel-task" class="danger" disabled=${FINISHED.includes(task.state)} onClick=${cancel}>Cancel task</button>
      ${notice && html`<span class="notice" role="status">${notice}</span>`}
    </div>
    <details><summary>Input</summary><pre>${pretty(task.context)}</pre></details>
    <h2>Graph</h2>
    <div class="legend">${['pending', 'enqueued', 'in_progress', 'waiting_for_retry', 'complete', 'error', 'cancelled'].map((s) => html`<span class=${`state ${s}`}>${s}</span>`)}</div>
    <div class="scroll"><${Dag} nodes=${steps.map((s) => ({ id: s.step_uuid, label: s.name, state: s.state, dependencies: s.dependencies }))} selected=${selected} onSelect=${setSelected} /></div>
    <h2>Timeline</h2>
    <div class="scroll"><${Gantt} now=${now} rows=${steps.map((s) => s.name)}
      bars=${attempts.map((a: any) => ({ row: nameOf.get(a.step_uuid), start: Date.parse(a.started_at), end: a.ended_at ? Date.parse(a.ended_at) : null, outcome: a.outcome, label: `${nameOf.get(a.step_uuid)} #${a.attempt}` }))} /></div>
    <h2>Steps</h2>
    <table class="steps">
      <thead><tr><th>step</th><th>state</th><th>attempts</th><th>last attempt</th><th>depends on</th></tr></thead>
      <tbody>${steps.map((s) => html`<tr class=${selected === s.step_uuid ? 'selected' : ''} data-step=${s.name}>
        <td><button class="link" onClick=${() => setSelected(s.step_uuid)}>${s.name}</button></td>
        <td><span class=${`state ${s.state}`}>${s.state}</span></td>
        <td>${s.attempts}/${s.max_attempts}</td>
        <td>${when(s.last_attempted_at)}</td>
        <td>${s.dependencies.join(', ')}</td>
      </tr>`)}</tbody>
    </table>
    ${step && html`<${StepDetails} task=${task} step=${step} attempts=${attempts.filter((a: any) => a.step_uuid === step.step_uuid)}
      transitions=${data.transitions.filter((t: any) => t.step_uuid === step.step_uuid)} act=${act} now=${now} />`}
    <h2>Task audit trail</h2>
    <table><thead><tr><th>at</th><th>from</th><th>to</th><th>details</th></tr></thead>
      <tbody>${history.map((t: any) => html`<tr><td>${when(t.created_at)}</td><td>${t.from_state ?? '—'}</td><td>${t.to_state}</td><td><code>${t.metadata ? JSON.stringify(t.metadata) : ''}</code></td></tr>`)}</tbody>
    </table>
  </section>`;
}
