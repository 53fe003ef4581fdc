import { hostname } from 'node:os';
import { files } from './fs.ts';
import type { Runtime } from './types.ts';

/**
 * The runtime members Node.js and Bun both serve from `process` (Bun implements it): environment, arguments,
 * signals, stdio, other processes, files. Each adapter spreads this and adds its name, version, server, threads
 * and module loading.
 */
export const processHost = {
  env: process.env,
  argv: process.argv.slice(2),
  pid: process.pid,
  isTTY: Boolean(process.stdout.isTTY),
  exit: (code: number) => process.exit(code),
  cwd: () => process.cwd(),
  hostname: () => hostname(),
  memoryRss: () => process.memoryUsage.rss(),
  onSignal(signal, fn) {
    process.on(signal, fn);
    return () => void process.off(signal, fn);
  },
  ...files,
  isProcessAlive(pid: number) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      return (err as { code?: string }).code === 'EPERM';
    }
  },
  uid: () => process.getuid?.() ?? null,
  signalProcess(pid: number, signal: 'SIGINT' | 'SIGTERM' | 'SIGQUIT' | 'SIGKILL') {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  },
  writeStdout: (text: string) => void process.stdout.write(text),
  writeStderr: (text: string) => void process.stderr.write(text),
} satisfies Omit<Runtime, 'name' | 'version' | 'serve' | 'startThread' | 'importModule'>;
