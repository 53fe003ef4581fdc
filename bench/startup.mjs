#!/usr/bin/env node
// Start-up bench (issue 11 targets): wall time and peak RSS of tasker *plus* the PostgreSQL processes it
// starts, for `tasker smoke` of the linear example with no DATABASE_URL and for `npm start` (demo).
// Median of N runs (default 5) after one warm-up run (the first run after install makes the template):
// N runs timed, then N runs with the memory sampler.
//
//   node bench/startup.mjs [--runs=5] [--runtime=node|bun|deno] [--only=smoke,demo,npm-start] [--no-warmup] [--root=DIR]
//
// Peak RSS: every 10 ms, the RSS of the tasker process and of all its descendants (the throwaway
// PostgreSQL postmaster and its backends are children of tasker) is read from /proc/<pid>/status and
// summed; the peak of that sum is reported. Shared memory is counted once per process that touched it,
// so the figure over-states the real footprint (it is an upper bound). Linux only.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = process.argv.find((a) => a.startsWith('--root='))?.slice(7) ?? join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const runs = Number(arg('runs', '5'));
const runtime = arg('runtime', 'node');
const only = arg('only', runtime === 'node' ? 'smoke,demo,npm-start' : 'smoke,demo').split(',');

const tasker = {
  node: ['node', ['bin/tasker.mjs']],
  bun: [join(ROOT, 'node_modules/.bin/bun'), ['cli.ts']],
  deno: [join(ROOT, 'node_modules/.bin/deno'), ['run', '-A', 'cli.ts']],
}[runtime];

const CASES = {
  smoke: ['smoke', 'examples/templates/linear_workflow.yaml', '--input', '{"even_number": 6}'],
  demo: ['demo'],
  // `npm start` itself (npm's own start-up included); only with --runtime=node
  'npm-start': null,
};

// descendants are started after the root, so only pids above it are read (cheap enough to sample often)
function children(root) {
  const map = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) <= root) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!map.has(ppid)) map.set(ppid, []);
      map.get(ppid).push(Number(entry));
    } catch {}
  }
  return map;
}

function treeRssKb(root) {
  const kids = children(root);
  let total = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop();
    try {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) total += Number(m[1]);
    } catch {}
    stack.push(...(kids.get(pid) ?? []));
  }
  return total;
}

function once(args, sample) {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    for (const k of Object.keys(env)) if (/^(DATABASE_URL|TASKER_)/.test(k)) delete env[k];
    const started = performance.now();
    const [cmd, argv] = args ? [tasker[0], [...tasker[1], ...args]] : ['npm', ['start', '--silent']];
    const child = spawn(cmd, argv, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    let peak = 0;
    const sampler = sample ? setInterval(() => (peak = Math.max(peak, treeRssKb(child.pid))), 10) : null;
    child.on('error', reject);
    child.on('exit', (code) => {
      if (sampler) clearInterval(sampler);
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) reject(new Error(`tasker ${args ? args.join(' ') : 'npm start'} exited ${code}:\n${out}`));
      else resolve({ seconds, peakMb: peak / 1024 });
    });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = loadavg()[0].toFixed(2);
const rows = [];
for (const name of only) {
  if (!process.argv.includes('--no-warmup')) await once(CASES[name], false);
  // wall time from runs without the sampler (reading /proc every 10 ms costs CPU on a 2-core box),
  // peak RSS from as many runs with it
  const timed = [];
  for (let i = 0; i < runs; i++) timed.push(await once(CASES[name], false));
  const sampled = [];
  for (let i = 0; i < runs; i++) sampled.push(await once(CASES[name], true));
  rows.push({
    case: name,
    runtime,
    wall_s: median(timed.map((s) => s.seconds)).toFixed(2),
    peak_rss_mb: median(sampled.map((s) => s.peakMb)).toFixed(0),
    all_wall_s: timed.map((s) => s.seconds.toFixed(2)).join(' '),
    all_rss_mb: sampled.map((s) => s.peakMb.toFixed(0)).join(' '),
  });
}
console.log(`startup bench, ${runs} runs each (median), load average ${load} → ${loadavg()[0].toFixed(2)}`);
console.log('| case | runtime | wall (s) | peak RSS tasker+postgres (MB) | runs: wall | runs: RSS |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.case} | ${r.runtime} | ${r.wall_s} | ${r.peak_rss_mb} | ${r.all_wall_s} | ${r.all_rss_mb} |`);
