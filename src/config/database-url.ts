// Checks a PostgreSQL connection URL before the driver sees it, so a malformed DATABASE_URL is a
// CONFIG_INVALID naming the variable and the expected form, never a TypeError with a stack, and never
// echoes the password.
import { TaskerError } from '../errors.ts';

/** The form a connection URL must have, for messages. */
export const DATABASE_URL_FORM = 'postgres://user:password@host:5432/database (or postgresql://…; percent-encode @ : / # ? in the user name or password)';

/**
 * A rendering of a possibly malformed URL that is safe to print: everything between `://` and the last
 * `@` (the user info; masking up to the *last* `@` can only hide too much, never leave part of a password)
 * and every `password=` query value is replaced with `***`; a value without a scheme is not shown at all.
 */
export function maskUrl(url: string): string {
  // not a URL at all: it may be anything, a bare password included, so only its length is shown
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(url)) return `a value of ${url.length} characters, not shown`;
  let out = url;
  const at = out.lastIndexOf('@');
  if (at >= 0) {
    const scheme = out.indexOf('://');
    const start = scheme >= 0 && scheme < at ? scheme + 3 : 0;
    out = `${out.slice(0, start)}***${out.slice(at)}`;
  }
  return out.replace(/([?&]password=)[^&#]*/gi, '$1***');
}

/** Why `url` is not a usable PostgreSQL connection URL, or null when it is. Mirrors postgres.js' parsing. */
export function databaseUrlProblem(url: string): string | null {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url);
  if (!scheme) {
    return /\w=\S/.test(url) && /\s/.test(url)
      ? 'it looks like a libpq "key=value" connection string, which tasker does not read; write it as a URL'
      : 'it does not start with postgres:// or postgresql://';
  }
  if (!['postgres', 'postgresql'].includes(scheme[1].toLowerCase())) return `the scheme is "${scheme[1]}:", not postgres: or postgresql:`;
  // postgres.js accepts several comma-separated hosts and parses the URL with the first one in their place
  const authority = url.slice(scheme[0].length).split(/[?/]/)[0];
  const hosts = authority.slice(authority.lastIndexOf('@') + 1);
  for (const host of hosts.split(',')) {
    const port = /:([^:\]]*)$/.exec(host)?.[1];
    if (port !== undefined && port !== '' && !(/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
      return `the port "${port}" is not a number from 1 to 65535`;
    }
  }
  let parsed: URL;
  try {
    parsed = new URL(url.replace(hosts, hosts.split(',')[0]));
  } catch {
    return 'it is not a well-formed URL (a space, or an unencoded @ : / # ? in the user name or password?)';
  }
  try {
    decodeURIComponent(parsed.username);
    decodeURIComponent(parsed.password);
  } catch {
    return 'the user name or password has a malformed %-escape';
  }
  return null;
}

/**
 * Throws CONFIG_INVALID when `url` is set but not a usable connection URL. `source` names where it came
 * from (`environment variable DATABASE_URL`, a config file); the URL is shown masked.
 */
export function assertDatabaseUrl(url: string, source = 'DATABASE_URL / [common.database] url'): void {
  if (!url) return;
  const problem = databaseUrlProblem(url);
  if (problem === null) return;
  throw new TaskerError('CONFIG_INVALID', `${source}: common.database.url is not a valid PostgreSQL connection URL: ${problem} (got ${maskUrl(url)})`, {
    hint: `expected ${DATABASE_URL_FORM}; unset DATABASE_URL to use the embedded database`,
    details: { key: 'common.database.url' },
  });
}
