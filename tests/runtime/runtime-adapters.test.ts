// Each runtime adapter tested under its own runtime: the probe script exercises detection, env/argv,
// serve(fetch) on a real socket, TypeScript module import, file listing, worker threads and signals.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT, RUNTIMES, runtimeCommand, cleanEnv, type RuntimeName } from '../helpers/cli.ts';

describe.each(RUNTIMES.map((r) => [r]))('the %s adapter', (runtime: RuntimeName) => {
  it('detects itself and implements every capability of the runtime contract', () => {
    const [cmd, argv] = runtimeCommand(runtime, 'tests/runtime/adapter-probe.ts', ['first', '--second']);
    // the probe's deno run needs to import worker modules and bind a socket: same narrow permissions plus none extra
    const r = spawnSync(cmd, argv, { cwd: ROOT, env: cleanEnv({ TASKER_PROBE_VAR: 'probe-value' }), encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(out.detected).toBe(runtime);
    expect(out.name).toBe(runtime);
    expect(out.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(out.envSeen).toBe('probe-value');
    expect(out.envLive).toBe('late');
    expect(out.argv).toEqual(['first', '--second']);
    expect(out).toMatchObject({ cwdOk: true, hostnameOk: true, rssOk: true, selfAlive: true, deadAlive: false, signals: true });
    expect(out.serve).toEqual({ status: 201, header: 'yes', json: { method: 'POST', path: '/echo', body: { n: 42 } } });
    expect(out.importedTs).toBe(42);
    expect(out.listed).toEqual(['probe-module.ts', 'probe-thread.ts']);
    expect(out.statMissing).toBeNull();
    expect(out.thread).toEqual({ result: 42 });
  });
});
