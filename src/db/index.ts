export type { Db, Queryable, Row } from './types.ts';
export { openDatabase, type OpenDatabaseOptions } from './open.ts';
export { migrate, migrationStatus, assertCompatible, type MigrationStatus } from './migrate.ts';
export { quoteIdentifier } from './identifiers.ts';
