// Entry of a Node.js worker thread started by the node runtime adapter: registers the tsx loader in
// this thread (Node 20 cannot strip TypeScript itself), then imports the requested module, whose URL
// is the last argv entry. workerData is left untouched for the module.
import { register } from 'tsx/esm/api';

register();
await import(process.argv[process.argv.length - 1]);
