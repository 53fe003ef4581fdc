import type { TaskerConfig } from '../config/schema.ts';
import type { Runtime } from '../runtime/types.ts';
import { openPostgres } from './postgres.ts';
import type { Db } from './types.ts';

/** Options for {@link openDatabase}. */
export interface OpenDatabaseOptions {
  applicationName?: string;
}

/** Opens the configured database: the server at the URL when one is set, else the embedded PostgreSQL. */
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
  // the embedded server's code is loaded only when it is used
  return import('./embedded.ts').then(({ openEmbedded }) =>
    openEmbedded({
      runtime,
      path: db.embedded_path,
      schema: db.schema,
      poolMax: db.pool_max,
      statementTimeoutMs: db.statement_timeout_ms,
      applicationName: options.applicationName,
    }),
  );
}
