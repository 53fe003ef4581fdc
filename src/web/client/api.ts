// The dashboard's HTTP client. The API key lives in sessionStorage (this tab only, gone when it closes)
// and travels in the X-API-Key header: never in a URL, so never in a server log or the browser history.
const KEY = 'tasker.apiKey';

/** The server refused the key (or wants one). */
export class Unauthorized extends Error {}

/** The stored API key, if any. */
export function storedKey(): string | null {
  return sessionStorage.getItem(KEY);
}

/** Stores (or, with null, forgets) the API key. */
export function storeKey(key: string | null): void {
  if (key) sessionStorage.setItem(KEY, key);
  else sessionStorage.removeItem(KEY);
}

const listeners = new Set<() => void>();

/** Called whenever a request is refused with 401. */
export function onUnauthorized(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Calls the API; JSON in and out; throws Unauthorized on 401 and an Error with the server's message otherwise. */
export async function api<T = any>(path: string, init: { method?: string; body?: unknown; key?: string | null } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const key = init.key === undefined ? storedKey() : init.key;
  if (key) headers['x-api-key'] = key;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  if (res.status === 401) {
    if (init.key === undefined) for (const fn of listeners) fn();
    throw new Unauthorized('the API key is missing or not valid');
  }
  const data = res.headers.get('content-type')?.includes('json') ? await res.json() : null;
  if (!res.ok) throw new Error(data?.error?.message ?? `${res.status} ${res.statusText}`);
  return data as T;
}

/** Query string of the defined, non-empty values. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return entries.length ? `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString()}` : '';
}
