// When npm starts tasker (`npx tasker`, `npm start`, `npm run tasker`), the process tree is
// npm → sh -c → node. `kill <npm pid>` makes npm pass SIGTERM to the shell, which dies without passing it on,
// and tasker would run on as an orphan holding the HTTP port and the embedded database. So under npm, tasker
// treats the loss of its parent like a SIGTERM: the usual graceful shutdown. Outside npm (a shell, nohup,
// a supervisor) nothing changes: a process whose parent exits keeps running, as expected.

/** Sends this process SIGTERM once its parent is gone, when it was started by npm. */
export function stopWhenOrphaned(interval = 200) {
  if (!process.env.npm_command && !process.env.npm_lifecycle_event) return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    process.kill(process.pid, 'SIGTERM');
  }, interval);
  timer.unref();
}
