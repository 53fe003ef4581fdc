// Run under node (via tsx), bun and deno by tests/runtime/runtime-adapters.test.ts: exercises the runtime
// adapter of whichever runtime executes it and prints one JSON line with what it saw.
import { getRuntime, detectRuntimeName } from '../../src/runtime/index.ts';

const rt = await getRuntime();
const out: Record<string, unknown> = { detected: detectRuntimeName(), name: rt.name, version: rt.version, pid: rt.pid };
out.envSeen = rt.env.TASKER_PROBE_VAR ?? null;
// the environment is live on every runtime: a variable set after start-up (here by the host's own API) is seen
const g = globalThis as { Deno?: { env: { set(k: string, v: string): void } }; process?: { env: Record<string, string> } };
if (g.Deno) g.Deno.env.set('TASKER_PROBE_LATE', 'late');
else g.process!.env.TASKER_PROBE_LATE = 'late';
out.envLive = rt.env.TASKER_PROBE_LATE ?? null;
out.argv = rt.argv;
out.cwdOk = rt.cwd().length > 0;
out.hostnameOk = rt.hostname().length > 0;
out.rssOk = rt.memoryRss() > 0;
out.selfAlive = rt.isProcessAlive(rt.pid);
out.deadAlive = rt.isProcessAlive(2 ** 22 + 12345);

// serve(fetch) on a real socket, with a JSON body round trip
const server = await rt.serve(async (req) => {
  const body = req.method === 'POST' ? await req.json() : null;
  return Response.json({ method: req.method, path: new URL(req.url).pathname, body }, { status: 201, headers: { 'x-probe': 'yes' } });
}, { hostname: '127.0.0.1', port: 0 });
const res = await fetch(`http://127.0.0.1:${server.port}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ n: 42 }) });
out.serve = { status: res.status, header: res.headers.get('x-probe'), json: await res.json() };
await server.close();

// importing a user TypeScript module
const mod = await rt.importModule(new URL('./fixtures/probe-module.ts', import.meta.url).pathname);
out.importedTs = (mod.double as (n: number) => number)(21);

// listing files recursively
const files = await rt.listFiles(new URL('./fixtures', import.meta.url).pathname);
out.listed = files.map((f) => f.split('/').pop());
out.statMissing = await rt.stat(new URL('./fixtures/definitely-not-here', import.meta.url).pathname);

// a worker thread echoing a message
const thread = rt.startThread(new URL('./fixtures/probe-thread.ts', import.meta.url), { factor: 3 });
out.thread = await new Promise((resolve, reject) => {
  thread.onMessage((m) => resolve(m));
  thread.onError(reject);
  thread.postMessage({ value: 14 });
  setTimeout(() => reject(new Error('thread did not answer')), 10_000);
});
await thread.terminate();

// signals: subscribe and unsubscribe without throwing
const off = rt.onSignal('SIGUSR1', () => {});
off();
out.signals = true;

rt.writeStdout(JSON.stringify(out) + '\n');
rt.exit(0);
