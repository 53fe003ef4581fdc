import { html } from 'htm/preact';
import { api } from '../api.ts';
import { duration, pretty, when } from '../util.ts';

/** The error a failed step recorded (the worker's result envelope), if any. */
function errorOf(results: any): { type?: string; message?: string; retryable?: boolean } | null {
  const e = results?.error ?? (results?.success === false ? results : null);
  if (!e || typeof e !== 'object') return null;
  return { type: e.error_type ?? e.type ?? e.name, message: e.message, retryable: e.retryable };
}

/** One step: attempts with durations, result or error, checkpoint, audit trail, and the manual actions. */
export function StepDetails({ task, step, attempts, transitions, act, now }: any) {
  const path = `/v1/tasks/${task.task_uuid}/workflow_steps/${step.step_uuid}`;
  const patch = (action: string, extra: Record<string, unknown> = {}) => () =>
    api(path, { method: 'PATCH', body: { action, actor: 'dashboard', reason: `${action} from the dashboard`, ...extra } });
  const complete = () => {
    const raw = prompt(`Result object for ${step.name} (JSON; dependent steps read it):`, '{}');
    if (raw === null) return;
    let result: unknown;
    try {
      result = JSON.parse(raw);
    } catch {
      alert('That is not valid JSON.');
      return;
    }
    void act(`Complete step ${step.name} manually with ${raw}?`, patch('complete_manually', { result }));
  };
  const error = errorOf(step.results);
  const backoff = attempts.map((a: any) => a.backoff_seconds).filter((b: any) => b !== null).pop();
  return html`<section class="step" id="step-details" data-step=${step.name}>
    <h2>Step ${step.name} <span class=${`state ${step.state}`}>${step.state}</span></h2>
    <div class="actions">
      <button id="reset-step" onClick=${() => act(`Reset step ${step.name} for another attempt?`, patch('reset_for_retry'))}>Reset for retry</button>
      <button id="resolve-step" onClick=${() => act(`Mark step ${step.name} resolved manually (dependents will not run)?`, patch('resolve_manually'))}>Resolve manually</button>
      <button id="complete-step" onClick=${complete}>Complete manually…</button>
    </div>
    <dl class="facts">
      <dt>attempts</dt><dd>${step.attempts} of ${step.max_attempts}${step.retryable ? '' : ' (not retryable)'}</dd>
      <dt>next attempt</dt><dd>${when(step.next_attempt_at)}${backoff !== undefined ? ` (backoff ${backoff} s)` : ''}</dd>
      <dt>claimed by</dt><dd>${step.claimed_by ?? '—'}</dd>
      ${error && html`<dt>error</dt><dd class="error"><b>${error.type ?? 'error'}</b>: ${error.message ?? ''} ${error.retryable === undefined ? '' : `(retryable: ${error.retryable})`}</dd>`}
    </dl>
    <h3>Attempts</h3>
    <table><thead><tr><th>#</th><th>worker</th><th>started</th><th>duration</th><th>outcome</th><th>backoff</th></tr></thead>
      <tbody>${attempts.map((a: any) => html`<tr><td>${a.attempt}</td><td>${a.worker ?? '—'}</td><td>${when(a.started_at)}</td>
        <td>${duration((a.ended_at ? Date.parse(a.ended_at) : now) - Date.parse(a.started_at))}</td><td>${a.outcome}</td><td>${a.backoff_seconds ?? '—'}</td></tr>`)}</tbody>
    </table>
    ${step.checkpoint && html`<h3>Checkpoint</h3><pre>${pretty(step.checkpoint)}</pre>`}
    <h3>${error ? 'Result (error)' : 'Result'}</h3><pre class="result">${step.results === null ? '—' : pretty(step.results)}</pre>
    <details><summary>Inputs</summary><pre>${pretty(step.inputs)}</pre></details>
    <h3>Audit trail</h3>
    <table><thead><tr><th>at</th><th>from</th><th>to</th><th>details</th></tr></thead>
      <tbody>${transitions.map((t: any) => html`<tr><td>${when(t.created_at)}</td><td>${t.from_state ?? '—'}</td><td>${t.to_state}</td><td><code>${t.metadata ? JSON.stringify(t.metadata) : ''}</code></td></tr>`)}</tbody>
    </table>
  </section>`;
}
