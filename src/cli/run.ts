import { defineCommand } from 'citty';
import { commonArgs, setup } from './shared.ts';
import { createTasker } from '../engine/index.ts';
import { withStatus } from './status-line.ts';
import { TaskerError } from '../errors.ts';
import type { ServerHandle } from '../runtime/types.ts';

export default defineCommand({
  meta: {
    name: 'run',
    description: 'Run the orchestrator, worker and HTTP API until SIGINT/SIGTERM — example: tasker run --role worker --namespace billing --concurrency 20',
  },
  args: {
    ...commonArgs,
    role: { type: 'string', description: 'all|orchestrator|worker (default all)', default: 'all' },
    namespace: { type: 'string', description: 'comma-separated namespaces to work (default: those of the loaded templates)' },
    concurrency: { type: 'string', description: 'max concurrent handlers (worker.max_concurrent_handlers)' },
    web: { type: 'boolean', description: 'serve the HTTP API ([web] enabled); --no-web for headless' },
    bind: { type: 'string', description: 'HTTP bind address host:port ([web] bind_address, default 127.0.0.1:8080)' },
    'status-interval': { type: 'string', description: 'seconds between status lines (0 = off)', default: '5' },
    strict: { type: 'boolean', description: 'refuse to start when a handler module fails to import (default: log it and go on)' },
  },
  async run({ args }) {
    const role = String(args.role);
    if (!['all', 'orchestrator', 'worker'].includes(role)) {
      throw new TaskerError('USAGE', `--role must be all, orchestrator or worker, not ${JSON.stringify(role)}`);
    }
    const concurrency = args.concurrency === undefined ? undefined : Number(args.concurrency);
    if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) {
      throw new TaskerError('USAGE', `--concurrency must be a positive integer, not ${JSON.stringify(args.concurrency)}`);
    }
    const ctx = await setup(args, {
      'worker.namespaces': typeof args.namespace === 'string' ? args.namespace.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
      'worker.max_concurrent_handlers': concurrency,
      'web.enabled': typeof args.web === 'boolean' ? args.web : undefined,
      'web.bind_address': typeof args.bind === 'string' ? args.bind : undefined,
    });
    const { runtime, config, logger } = ctx;
    const tasker = createTasker({
      config,
      runtime,
      logger,
      strictHandlers: args.strict === true,
      roles: {
        orchestrator: role !== 'worker' && config.orchestration.enabled,
        worker: role !== 'orchestrator' && config.worker.enabled,
      },
    });
    await withStatus(runtime, 'starting tasker (database, migrations, templates, handlers)', () => tasker.start());
    let server: ServerHandle | null = null;
    if (config.web.enabled) {
      const { createHttpApp, startHttpServer } = await import('../http/index.ts');
      try {
        server = await startHttpServer(createHttpApp({ tasker, config, runtime, logger }), runtime, config.web.bind_address);
      } catch (err) {
        await tasker.stop(); // leaves the embedded database as it found it
        throw err;
      }
    }
    logger.info('tasker running', {
      role,
      database: tasker.db.description,
      namespaces: tasker.namespaces.join(',') || '-',
      handlers: tasker.registry.handlerCount(),
      templates: tasker.templates.length,
      http: server ? `http://${server.hostname}:${server.port}` : 'off',
      worker_id: tasker.workerId,
    });
    runtime.writeStdout(`ready ${JSON.stringify({ pid: runtime.pid, http: server ? `http://${server.hostname}:${server.port}` : null, worker_id: tasker.workerId })}\n`);

    const every = Number(args['status-interval']) * 1000;
    const status = every > 0 ? setInterval(() => {
      const o = tasker.orchestrator?.stats;
      const w = tasker.worker?.stats;
      logger.info('status', {
        tasks_completed: o?.tasksCompleted, tasks_failed: o?.tasksFailed, steps_enqueued: o?.stepsEnqueued,
        steps_done: w?.succeeded, steps_failed: w?.failed, in_flight: w?.inFlight, retried: o?.stepsRetried,
      });
    }, every) : null;

    await new Promise<void>((resolve) => {
      let signals = 0;
      const onSignal = (name: string) => () => {
        signals++;
        if (signals > 1) {
          logger.warn(`second ${name}: exiting now`);
          runtime.exit(1);
        }
        logger.info(`${name} received: draining in-flight handlers, then exiting (send again to force)`);
        resolve();
      };
      runtime.onSignal('SIGINT', onSignal('SIGINT'));
      runtime.onSignal('SIGTERM', onSignal('SIGTERM'));
    });
    if (status) clearInterval(status);
    await server?.close();
    await tasker.stop();
    logger.info('stopped cleanly');
    return 0;
  },
});
