import { useEffect, useRef, useState } from 'preact/hooks';

/** Runs `load` now and every `ms` while mounted (and again when `deps` change); keeps the last data and error. */
export function usePoll<T>(load: () => Promise<T>, ms: number, deps: unknown[] = []): { data: T | null; error: string | null; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      try {
        const next = await loadRef.current();
        if (alive) {
          setData(next);
          setError(null);
        }
      } catch (err) {
        if (alive) setError((err as Error).message);
      }
      if (alive && ms > 0) timer = setTimeout(run, ms);
    };
    void run();
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [...deps, tick]);
  return { data, error, reload: () => setTick((t) => t + 1) };
}

/** `2024-05-01 12:00:03` in local time. */
export function when(value: string | null | undefined): string {
  if (!value) return '—';
  const d = new Date(value);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A duration in ms as `850 ms`, `3.2 s`, `4 min 05 s`. */
export function duration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')} s`;
}

/** Pretty JSON for a <pre>. */
export const pretty = (value: unknown): string => (value === undefined ? '' : JSON.stringify(value, null, 2));

/** The first 8 characters of a uuid. */
export const short = (uuid: string): string => uuid.slice(0, 8);

/** The task states that are final. */
export const FINISHED = ['complete', 'error', 'cancelled', 'resolved_manually'];
