// The operator's queue API: pgmq-style functions over tasker's queue tables, for scripts, other languages'
// consumers and inspection (`send`, `read`, `setVt`, `archive`, `deleteMessages`, metrics). The engine does
// not call these: its statements splice the building blocks of ../sql.ts so each operation stays one
// statement inside the transaction that changes the steps.
export { createQueue } from './create.ts';
export { send, sendBatch } from './send.ts';
export { read, setVt } from './read.ts';
export { deleteMessages, archive } from './remove.ts';
export { metrics, allMetrics, oldestVisibleAges, queuesWithMessages } from './metrics.ts';
