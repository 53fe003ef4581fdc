import type { TaskerConfig } from '../config/schema.ts';
import type { Runtime } from '../runtime/types.ts';
import { openPostgres } from './postgres.ts';
import type { Db } from './types.ts';

/** Options for {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** Serve an embedded database to other local tasker processes (the long-running `tasker run` does). */
  share?: boolean;
  applicationName?: string;
}

/** Opens the configured database: PostgreSQL when a URL is set, else the embedded PGlite. */
export async function openDatabase(config: TaskerConfig, runtime: Runtime, options: OpenDatabaseOptions = {}): Promise<Db> {
  const db = config.common.database;
  if (db.url) {
    return openPostgres({
      url: db.url,
      schema: db.schema,
      poolMax: db.pool_max,
      statementTimeoutMs: db.statement_timeout_ms,
      connectTimeoutSeconds: db.connect_timeout_seconds,
      applicationName: options.applicationName,
    });
  }
  // PGlite is loaded only when it is used: a process on a PostgreSQL server never pays for it
  return import('./embedded.ts').then(({ openEmbedded }) =>
    openEmbedded({ runtime, path: db.embedded_path, schema: db.schema, share: options.share }),
  );
}
