// A malformed DATABASE_URL is a CONFIG_INVALID naming the variable and the expected form — through the
// loader, the driver wrapper and the CLI — and the password never appears in what is printed.
import { describe, expect, it } from 'vitest';
import { databaseUrlProblem, maskUrl } from '../../src/config/database-url.ts';
import { loadConfig } from '../../src/config/load.ts';
import { openPostgres } from '../../src/db/postgres.ts';
import { TaskerError } from '../../src/errors.ts';
import { getRuntime } from '../../src/runtime/index.ts';
import { runCli } from '../helpers/cli.ts';

const SECRET = 's3cretPw';
const MALFORMED: Array<[string, string, RegExp]> = [
  ['a port that is not a number', `postgres://app:${SECRET}@db.example:fivefour/app`, /the port "fivefour" is not a number/],
  ['an unencoded @ and a space', `postgres://app:${SECRET}@x@db example/app`, /not a well-formed URL/],
  ['another scheme', `mysql://app:${SECRET}@db/app`, /scheme is "mysql:"/],
  ['no scheme at all', `db.example:5432/app?password=${SECRET}`, /does not start with postgres:\/\//],
  ['a libpq key=value string', `host=db.example password=${SECRET} dbname=app`, /libpq "key=value"/],
  ['a malformed %-escape', `postgres://app:%zz${SECRET}@db/app`, /malformed %-escape/],
];

async function failure(p: Promise<unknown>): Promise<TaskerError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(TaskerError);
    return err as TaskerError;
  }
  throw new Error('expected a TaskerError');
}

describe('a malformed database URL', () => {
  it.each(MALFORMED)('with %s is named and explained by the config loader, masked', async (_what, url, reason) => {
    const err = await failure(loadConfig({ runtime: await getRuntime(), cwd: '/nonexistent', env: { DATABASE_URL: url } }));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toContain('environment variable DATABASE_URL');
    expect(err.message).toMatch(reason);
    expect(err.hint).toContain('postgres://user:password@host:5432/database');
    expect(`${err.message} ${err.hint} ${JSON.stringify(err.details)}`).not.toContain(SECRET);
  });

  it('is rejected by openPostgres too (library use without the loader), before the driver sees it', async () => {
    const err = await failure(openPostgres({ url: `postgres://app:${SECRET}@h:99999/db`, schema: 'tasker', poolMax: 1, statementTimeoutMs: 0, connectTimeoutSeconds: 1 }));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toMatch(/port "99999"/);
    expect(err.message).not.toContain(SECRET);
  });

  it('accepts what postgres.js accepts: several hosts, IPv6, sockets, query options', () => {
    for (const url of [
      'postgres://app:pw@h1:5432,h2:5433/db', 'postgresql://[::1]:5432/db', 'postgres:///db?host=/var/run/postgresql',
      'postgres://app:p%40ss@h/db?sslmode=require', 'postgres://h', 'POSTGRES://h:1/x',
    ]) expect(databaseUrlProblem(url), url).toBeNull();
  });

  it('masks up to the last @ and every password= value, and hides a value that is not a URL', () => {
    expect(maskUrl('postgres://u:p@ss@h/db')).toBe('postgres://***@h/db');
    expect(maskUrl('postgres://h/db?sslmode=require&password=x&a=1')).toBe('postgres://h/db?sslmode=require&password=***&a=1');
    expect(maskUrl(`hunter2 ${SECRET}`)).toBe(`a value of ${8 + SECRET.length} characters, not shown`);
  });
});

describe('the CLI with a malformed DATABASE_URL', () => {
  it.each(['db status', 'config validate', 'run'])('`tasker %s` prints one CONFIG_INVALID line and a hint, no stack, no password, exit 1', async (command) => {
    const r = await runCli('node', command.split(' '), { DATABASE_URL: `postgres://app:${SECRET}@db.example:fivefour/app` });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^error \[CONFIG_INVALID\]: environment variable DATABASE_URL: common\.database\.url is not a valid PostgreSQL connection URL: the port "fivefour"/);
    expect(r.stderr).toContain('hint: expected postgres://user:password@host:5432/database');
    expect(r.stderr).not.toMatch(/TypeError|unexpected error|\n\s+at /);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });
});
