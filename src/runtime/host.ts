// The host operating system as the embedded PostgreSQL server needs it (src/db/embedded*.ts): synchronous
// files (lock files, data directories, the cached template cluster), child processes, TCP probes and the
// platform. Node, Bun and Deno all provide these built-ins; this module is the one place outside the runtime
// adapters that names them, so the rest of src/ reaches the host only through src/runtime/.
export {
  chmodSync, chownSync, closeSync, cpSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync,
  renameSync, rmSync, statfsSync, statSync, writeFileSync, writeSync,
} from 'node:fs';
export { spawn, spawnSync, type ChildProcess } from 'node:child_process';
export { connect, createServer } from 'node:net';
export { arch, platform, tmpdir } from 'node:os';
