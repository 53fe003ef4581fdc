import { html } from 'htm/preact';
import { duration, when } from '../util.ts';

/** One bar: a step attempt. */
export interface Bar {
  row: string;
  start: number;
  end: number | null;
  outcome: string;
  label: string;
}

/** A Gantt chart of step attempts: one row per step, one bar per attempt, running bars reach `now`. */
export function Gantt({ rows, bars, now }: { rows: string[]; bars: Bar[]; now: number }) {
  if (bars.length === 0) return html`<p>No attempts yet.</p>`;
  const start = Math.min(...bars.map((b) => b.start));
  const end = Math.max(now, ...bars.map((b) => b.end ?? now));
  const span = Math.max(end - start, 1);
  const left = 170;
  const width = 640;
  const rowH = 22;
  const x = (t: number) => left + ((t - start) / span) * width;
  return html`<svg class="gantt" viewBox=${`0 0 ${left + width + 10} ${rows.length * rowH + 24}`} role="img" aria-label="timeline of step attempts">
    ${rows.map((r, i) => html`<text class="row-label" x=${left - 8} y=${i * rowH + 15} text-anchor="end">${r.length > 24 ? `${r.slice(0, 23)}…` : r}</text>`)}
    ${bars.map((b) => {
      const y = rows.indexOf(b.row) * rowH + 3;
      const x1 = x(b.start);
      const w = Math.max(x((b.end ?? now)) - x1, 2);
      return html`<rect class=${`bar ${b.outcome}`} x=${x1} y=${y} width=${w} height=${rowH - 6} rx="2">
        <title>${b.label}: ${b.outcome}, ${when(new Date(b.start).toISOString())}, ${duration((b.end ?? now) - b.start)}</title>
      </rect>`;
    })}
    <text class="axis" x=${left} y=${rows.length * rowH + 18}>${when(new Date(start).toISOString())}</text>
    <text class="axis" x=${left + width} y=${rows.length * rowH + 18} text-anchor="end">+${duration(span)}</text>
  </svg>`;
}
