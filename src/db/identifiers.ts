import { TaskerError } from '../errors.ts';
import { IDENTIFIER_PATTERN } from './types.ts';

/** Returns `name` double-quoted for SQL after checking it is a plain lowercase identifier. */
export function quoteIdentifier(name: string, what = 'identifier'): string {
  if (!IDENTIFIER_PATTERN.test(name)) {
    throw new TaskerError('IDENTIFIER_INVALID', `invalid ${what} ${JSON.stringify(name)}`, {
      hint: 'use 1–63 characters of lowercase letters, digits and underscores, starting with a letter or underscore',
    });
  }
  return `"${name}"`;
}
