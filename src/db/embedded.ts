import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { openSync, closeSync, writeSync, unlinkSync, readFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { TaskerError } from '../errors.ts';
import type { Runtime } from '../runtime/types.ts';
import { quoteIdentifier } from './identifiers.ts';
import { openPostgres } from './postgres.ts';
import type { Db, Queryable } from './types.ts';
import { prepareParams } from './params.ts';

/** Contents of `<dataDir>/../owner.json`, written by the process that owns the embedded database. */
interface OwnerLock {
  pid: number;
  host: string;
  port: number;
  startedAt: string;
}

function wrap(pg: PGlite | Parameters<Parameters<PGlite['transaction']>[0]>[0]): Queryable {
  return {
    query: async (text, params = []) => (await pg.query(text, prepareParams(params))).rows as never[],
    exec: async (script) => void (await pg.exec(script)),
  };
}

function readLock(path: string): OwnerLock | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as OwnerLock;
  } catch {
    return null;
  }
}

/** Tries to create the lock file exclusively; false when another process holds it. */
function tryCreateLock(path: string, lock: OwnerLock): boolean {
  try {
    const fd = openSync(path, 'wx');
    writeSync(fd, JSON.stringify(lock));
    closeSync(fd);
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === 'EEXIST') return false;
    throw err;
  }
}

async function openPglite(pg: PGlite, schema: string, description: string, onClose: () => Promise<void>): Promise<Db> {
  await pg.exec(`SET search_path TO ${quoteIdentifier(schema, 'schema')}, public; SET plan_cache_mode = force_generic_plan`);
  const base = wrap(pg);
  return {
    kind: 'pglite',
    schema,
    description,
    supportsListen: true,
    query: base.query,
    exec: base.exec,
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
    async listen(channel, onNotify) {
      const unlisten = await pg.listen(channel, onNotify);
      return async () => unlisten();
    },
    close: onClose,
  };
}

/** Options for {@link openEmbedded}. */
export interface EmbeddedOptions {
  runtime: Runtime;
  /** Data directory, or `memory`. Relative paths resolve against the working directory. */
  path: string;
  schema: string;
  /** Serve the database on a local socket so other tasker processes in this directory can use it. */
  share?: boolean;
}

/**
 * Opens the embedded database. PGlite is single-process: the first process to open a data
 * directory owns it and serves it on a 127.0.0.1 socket, recording the port in `owner.json`;
 * later processes connect through that socket. A lock left by a dead process is taken over.
 */
export async function openEmbedded(options: EmbeddedOptions): Promise<Db> {
  const { runtime, schema } = options;
  quoteIdentifier(schema, 'schema');
  if (options.path === 'memory') {
    const pg = await PGlite.create();
    return openPglite(pg, schema, 'embedded (in-memory)', () => pg.close());
  }
  const dataDir = resolve(runtime.cwd(), options.path);
  const lockPath = join(dirname(dataDir), `${dataDir.split('/').pop()}.owner.json`);
  mkdirSync(dirname(dataDir), { recursive: true });

  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = readLock(lockPath);
    if (existing && existing.host === runtime.hostname() && runtime.isProcessAlive(existing.pid) && existing.pid !== runtime.pid) {
      return openPostgres({
        url: `postgres://postgres@127.0.0.1:${existing.port}/postgres`,
        schema,
        poolMax: 1,
        statementTimeoutMs: 0,
        connectTimeoutSeconds: 5,
        prepare: false,
        kind: 'pglite-socket',
      }).then((db) => ({ ...db, description: `embedded ${options.path} (via process ${existing.pid})` })).catch((cause) => {
        throw new TaskerError('DB_LOCKED', `the embedded database ${options.path} is owned by process ${existing.pid}, and its socket on port ${existing.port} does not answer`, {
          cause,
          hint: `stop process ${existing.pid}, or set DATABASE_URL to use a PostgreSQL server`,
        });
      });
    }
    if (existing) {
      try {
        unlinkSync(lockPath); // stale: its owner is gone
      } catch {}
    }
    const lock: OwnerLock = { pid: runtime.pid, host: runtime.hostname(), port: 0, startedAt: new Date().toISOString() };
    if (!tryCreateLock(lockPath, lock)) continue; // someone else won the race; look again
    try {
      const pg = await PGlite.create({ dataDir });
      let server: PGLiteSocketServer | null = null;
      if (options.share !== false) {
        server = new PGLiteSocketServer({ db: pg, host: '127.0.0.1', port: 0, maxConnections: 32 });
        await server.start();
        lock.port = Number(server.getServerConn().split(':').pop());
        const fd = openSync(lockPath, 'w');
        writeSync(fd, JSON.stringify(lock));
        closeSync(fd);
      }
      return await openPglite(pg, schema, `embedded ${options.path}`, async () => {
        await server?.stop();
        await pg.close();
        try {
          unlinkSync(lockPath);
        } catch {}
      });
    } catch (cause) {
      try {
        unlinkSync(lockPath);
      } catch {}
      throw new TaskerError('DB_UNREACHABLE', `cannot open the embedded database at ${dataDir}`, {
        cause,
        hint: 'delete the directory to start afresh, or set DATABASE_URL to use a PostgreSQL server',
      });
    }
  }
  throw new TaskerError('DB_LOCKED', `could not take ownership of the embedded database ${options.path}`, {
    hint: 'another tasker process is starting in this directory; retry in a moment',
  });
}
