// Entry of a Node.js worker thread started by the node runtime adapter. Loader hooks are per thread, so
// when the requested module is TypeScript and this Node.js cannot strip types (Node 20 running tasker's
// sources), the tsx loader is registered here first. The compiled package starts a .js module and needs
// nothing: handler files are loaded later through the adapter's importModule. The module's URL is the last
// argv entry; workerData is left untouched for it.
const entry = process.argv[process.argv.length - 1];
if (/\.[mc]?ts$/.test(new URL(entry).pathname) && !process.features.typescript) {
  (await import('tsx/esm/api')).register();
}
await import(entry);
