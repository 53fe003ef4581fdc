import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

/** Steps completed and failed per minute over the last hour (uPlot: a small canvas chart, ~50 kB). */
export function ThroughputChart({ points }: { points: Array<{ minute: number; completed: number; failed: number }> }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const now = Math.floor(Date.now() / 60_000) * 60;
  // one point per minute of the last hour, zero where nothing happened
  const xs: number[] = [];
  const done: number[] = [];
  const failed: number[] = [];
  const byMinute = new Map(points.map((p) => [p.minute, p]));
  for (let t = now - 59 * 60; t <= now; t += 60) {
    xs.push(t);
    done.push((byMinute.get(t)?.completed ?? 0) / 60);
    failed.push((byMinute.get(t)?.failed ?? 0) / 60);
  }
  useEffect(() => {
    if (!box.current) return;
    if (!plot.current) {
      plot.current = new uPlot(
        {
          width: Math.max(320, box.current.clientWidth),
          height: 180,
          series: [{}, { label: 'steps/s', stroke: '#2f855a', width: 2 }, { label: 'failures/s', stroke: '#c53030', width: 2 }],
          axes: [{}, { label: 'per second', size: 50 }],
          scales: { x: { time: true } },
        },
        [xs, done, failed],
        box.current,
      );
    } else plot.current.setData([xs, done, failed]);
  });
  useEffect(() => () => plot.current?.destroy(), []);
  return html`<div class="chart" ref=${box}></div>`;
}
