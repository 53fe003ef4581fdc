import { defineCommand, renderUsage, runCommand, type ArgsDef, type CommandDef } from 'citty';
import { TaskerError } from '../errors.ts';
import { getRuntime, type Runtime } from '../runtime/index.ts';
import { VERSION } from './version.ts';

/** Top-level commands: description (for a fast root --help) and a lazy loader. */
const COMMANDS: Record<string, [string, () => Promise<CommandDef>]> = {
  init: ['Scaffold a project: package.json, tasker.toml, a template and its handlers', () => import('./init.ts').then((m) => m.default as CommandDef)],
  run: ['Run the orchestrator, worker and HTTP server until stopped', () => import('./run.ts').then((m) => m.default as CommandDef)],
  validate: ['Check task templates (and, with --handlers, that every handler exists)', () => import('./validate.ts').then((m) => m.default as CommandDef)],
  handlers: ['List discovered step handlers', () => import('./handlers.ts').then((m) => m.default as CommandDef)],
  task: ['Create, inspect, cancel and repair tasks', () => import('./task.ts').then((m) => m.default as CommandDef)],
  smoke: ['Run templates end to end in-process and report (for CI)', () => import('./smoke.ts').then((m) => m.default as CommandDef)],
  demo: ['Run the bundled example workflows on the embedded database', () => import('./demo.ts').then((m) => m.default as CommandDef)],
  db: ['Start, stop and inspect the embedded PostgreSQL; migrations', () => import('./db.ts').then((m) => m.default as CommandDef)],
  config: ['Show or validate the merged configuration', () => import('./config.ts').then((m) => m.default as CommandDef)],
  template: ['List registered templates and draw their DAG', () => import('./template.ts').then((m) => m.default as CommandDef)],
  dlq: ['Inspect and resolve dead-lettered tasks', () => import('./dlq.ts').then((m) => m.default as CommandDef)],
  events: ['List and follow the domain events steps publish', () => import('./events.ts').then((m) => m.default as CommandDef)],
  schedule: ['List, pause, resume and trigger cron schedules', () => import('./schedule.ts').then((m) => m.default as CommandDef)],
};

/** The root command. Subcommands are imported only when used, so `--help` stays fast. */
export const root = defineCommand({
  meta: { name: 'tasker', version: VERSION, description: 'DAG workflow orchestration on PostgreSQL' },
  subCommands: Object.fromEntries(Object.entries(COMMANDS).map(([name, [, load]]) => [name, load])),
});

function rootUsage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  return [
    `tasker ${VERSION} — DAG workflow orchestration on PostgreSQL`,
    '',
    'USAGE tasker <command> [options]',
    '',
    'COMMANDS',
    ...Object.entries(COMMANDS).map(([name, [description]]) => `  ${name.padEnd(width)}  ${description}`),
    '',
    'EXAMPLE',
    `  tasker smoke examples/templates/linear_workflow.yaml --input '{"even_number": 6}'`,
    '',
    'Use `tasker <command> --help` for more information about a command.',
    '',
  ].join('\n');
}

async function resolve<T>(value: T | Promise<T> | (() => T | Promise<T>) | undefined): Promise<T | undefined> {
  return typeof value === 'function' ? await (value as () => T | Promise<T>)() : await value;
}

/** Walks positional words down the subcommand tree; returns the chain and the remaining args. */
async function resolveChain(rawArgs: string[]): Promise<{ chain: CommandDef[]; rest: string[] }> {
  const chain: CommandDef[] = [root as CommandDef];
  let rest = rawArgs;
  for (;;) {
    const current = chain[chain.length - 1];
    const subs = await resolve(current.subCommands);
    const index = rest.findIndex((a) => !a.startsWith('-'));
    if (!subs || index === -1) break;
    const word = rest[index];
    const next = await resolve(subs[word]);
    if (!next) {
      const known = Object.keys(subs).join(', ');
      const name = chain.map((c) => (c.meta as { name?: string } | undefined)?.name).join(' ');
      throw new TaskerError('USAGE', `unknown command "${word}" for ${name}`, { hint: `expected one of: ${known}; see ${name} --help` });
    }
    chain.push(next as CommandDef);
    rest = [...rest.slice(0, index), ...rest.slice(index + 1)];
  }
  return { chain, rest };
}

function flagNames(args: ArgsDef): Set<string> {
  const names = new Set<string>(['help', 'h', 'version']);
  for (const [name, def] of Object.entries(args)) {
    names.add(name);
    if (def.type === 'boolean') names.add(`no-${name}`);
    const alias = (def as { alias?: string | string[] }).alias;
    for (const a of Array.isArray(alias) ? alias : alias ? [alias] : []) names.add(a);
  }
  return names;
}

/** Rejects flags the command does not define (citty itself accepts anything). */
function checkUnknownFlags(rest: string[], args: ArgsDef, commandName: string): void {
  const known = flagNames(args);
  for (const raw of rest) {
    if (raw === '--') break;
    if (!raw.startsWith('-') || /^-\d/.test(raw)) continue;
    const name = raw.replace(/^--?/, '').split('=')[0];
    const camel = name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
    if (!known.has(name) && !known.has(camel)) {
      throw new TaskerError('USAGE', `unknown flag ${raw.split('=')[0]} for ${commandName}`, { hint: `see ${commandName} --help` });
    }
  }
}

const ANSI = /\x1b\[[0-9;]*m/g;

/**
 * citty's usage text, tidied: colour codes only on a terminal (and not under NO_COLOR), a flag whose
 * description already says its default does not get citty's `(Default: …)` as well, no trailing blanks.
 */
export function tidyUsage(text: string, colour: boolean): string {
  return text
    .split('\n')
    .map((line) => {
      const plain = line.replace(ANSI, '');
      let out = colour ? line : plain;
      if (/\(default[ :]/.test(plain.replace(/\(Default: [^)]*\)/, ''))) out = out.replace(/(\x1b\[90m)?\s?\(Default: [^)]*\)(\x1b\[39m)?/, '');
      return out.trimEnd();
    })
    .join('\n');
}

/** Prints a known error as one line plus hint, an unknown one with its stack. Returns the exit code. */
export function reportError(runtime: Runtime, err: unknown): number {
  if (err instanceof TaskerError) {
    runtime.writeStderr(`error [${err.code}]: ${err.message}\n`);
    if (err.hint) runtime.writeStderr(`  hint: ${err.hint}\n`);
    const cause = err.cause as { message?: string } | undefined;
    if (cause?.message && !err.message.includes(cause.message) && err.code !== 'DB_UNREACHABLE') {
      runtime.writeStderr(`  cause: ${cause.message}\n`);
    }
    return err.code === 'USAGE' ? 2 : 1;
  }
  const e = err as { code?: string; name?: string; message?: string; stack?: string };
  if (e?.name === 'NotCapable' || e?.name === 'PermissionDenied') {
    // Deno refused an operation: say which permission, not a stack trace
    runtime.writeStderr(`error [RUNTIME_UNSUPPORTED]: ${e.message}\n  hint: the README's "Runtimes" section lists the Deno permissions tasker needs\n`);
    return 1;
  }
  if (e?.code === 'EARG' || e?.code === 'E_UNKNOWN_COMMAND' || e?.code === 'E_NO_COMMAND') {
    runtime.writeStderr(`error [USAGE]: ${e.message}\n  hint: see tasker --help\n`);
    return 2;
  }
  runtime.writeStderr(`unexpected error: ${e?.stack ?? String(err)}\n`);
  return 1;
}

/** Runs the CLI with the runtime's argv; exits with 0 ok, 1 failure, 2 usage error. */
export async function main(): Promise<void> {
  const runtime = await getRuntime();
  const rawArgs = [...runtime.argv];
  let code = 0;
  try {
    if (rawArgs.length === 1 && (rawArgs[0] === '--version' || rawArgs[0] === '-v')) {
      runtime.writeStdout(`${VERSION}\n`);
      return runtime.exit(0);
    }
    const { chain, rest } = await resolveChain(rawArgs);
    const cmd = chain[chain.length - 1];
    const parent = chain.length > 1 ? chain[chain.length - 2] : undefined;
    if (rest.includes('--help') || rest.includes('-h') || (!cmd.run && !rest.some((a) => !a.startsWith('-')))) {
      runtime.writeStdout(chain.length === 1 ? rootUsage() : tidyUsage(await renderUsage(cmd, parent), runtime.isTTY && !runtime.env.NO_COLOR) + '\n');
      return runtime.exit(rest.includes('--help') || rest.includes('-h') || chain.length === 1 ? 0 : 2);
    }
    const name = chain.map((c) => (c.meta as { name?: string } | undefined)?.name).join(' ');
    checkUnknownFlags(rest, ((await resolve(cmd.args)) ?? {}) as ArgsDef, name);
    const { result } = await runCommand(cmd, { rawArgs: rest });
    code = typeof result === 'number' ? result : 0;
  } catch (err) {
    code = reportError(runtime, err);
  }
  runtime.exit(code);
}
