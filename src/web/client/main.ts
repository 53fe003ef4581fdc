// The dashboard: a hash-routed preact app (#/, #/tasks, #/tasks/<uuid>, #/templates, #/dlq).
import { html, render } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, onUnauthorized, storeKey, storedKey, Unauthorized } from './api.ts';
import { DlqPage } from './pages/dlq.ts';
import { OverviewPage } from './pages/overview.ts';
import { TaskPage } from './pages/task.ts';
import { TasksPage } from './pages/tasks.ts';
import { TemplatesPage } from './pages/templates.ts';

/** The current route: path segments and query of the hash. */
export interface Route {
  path: string[];
  query: URLSearchParams;
}

function parseHash(): Route {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = raw.split('?');
  return { path: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(query) };
}

function useRoute(): Route {
  const [route, setRoute] = useState(parseHash);
  useEffect(() => {
    const update = () => setRoute(parseHash());
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}

function Login({ onDone }: { onDone: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    const input = (event.target as HTMLFormElement).elements.namedItem('key') as HTMLInputElement;
    try {
      await api('/ui/api/overview', { key: input.value });
      storeKey(input.value);
      input.value = '';
      onDone();
    } catch (err) {
      setError(err instanceof Unauthorized ? 'That API key is not valid.' : (err as Error).message);
    }
  };
  return html`<main class="login">
    <form onSubmit=${submit} id="login">
      <h1>tasker</h1>
      <p>This server needs an API key (<code>[web] auth.api_key</code>). It is kept in this tab's session storage only.</p>
      <label>API key <input name="key" type="password" autocomplete="current-password" required autofocus /></label>
      <button type="submit">Sign in</button>
      ${error && html`<p class="error" role="alert">${error}</p>`}
    </form>
  </main>`;
}

const NAV: Array<[string, string]> = [['', 'Overview'], ['tasks', 'Tasks'], ['templates', 'Templates'], ['dlq', 'DLQ']];

function App() {
  const route = useRoute();
  const [needsKey, setNeedsKey] = useState(false);
  const [session, setSession] = useState(0);
  useEffect(() => onUnauthorized(() => setNeedsKey(true)), []);
  if (needsKey) return html`<${Login} onDone=${() => { setNeedsKey(false); setSession((s) => s + 1); }} />`;
  const [section, id] = route.path;
  const page =
    section === 'tasks' && id ? html`<${TaskPage} uuid=${id} />`
    : section === 'tasks' ? html`<${TasksPage} query=${route.query} />`
    : section === 'templates' ? html`<${TemplatesPage} id=${route.path.slice(1)} />`
    : section === 'dlq' ? html`<${DlqPage} query=${route.query} />`
    : html`<${OverviewPage} />`;
  return html`<div class="shell" key=${session}>
    <header>
      <a class="brand" href="#/">tasker</a>
      <nav>${NAV.map(([href, label]) => html`<a href=${`#/${href}`} class=${(section ?? '') === href ? 'active' : ''}>${label}</a>`)}</nav>
      ${storedKey() && html`<button class="link" onClick=${() => { storeKey(null); setNeedsKey(true); }}>Sign out</button>`}
    </header>
    <main>${page}</main>
  </div>`;
}

render(html`<${App} />`, document.getElementById('app')!);
