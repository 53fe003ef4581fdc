// The integration helpers themselves: each file's database is its own, and a leaked pool fails the file.
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { ADMIN_URL, createTestDatabase } from '../helpers/db.ts';

describe('test database helper', () => {
  it('fails the drop when a pool was left open, naming it, and still removes the database', async () => {
    const tdb = await createTestDatabase('tasker_helper');
    const leaked = postgres(tdb.url, { max: 1, connection: { application_name: 'leaky-pool' } });
    await leaked`select 1`;
    await expect(tdb.drop()).rejects.toThrow(/still had 1 open connection\(s\) at drop: leaky-pool/);
    await leaked.end({ timeout: 0 }).catch(() => {});
    const admin = postgres(ADMIN_URL, { max: 1 });
    const rows = await admin`select 1 from pg_database where datname = ${tdb.name}`;
    await admin.end();
    expect(rows).toHaveLength(0);
  }, 20_000);

  it('drops a database whose pools were closed without complaint', async () => {
    const tdb = await createTestDatabase('tasker_helper');
    const pool = postgres(tdb.url, { max: 2 });
    await pool`select 1`;
    await pool.end();
    await expect(tdb.drop()).resolves.toBeUndefined();
  });
});
