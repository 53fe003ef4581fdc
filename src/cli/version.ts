/** tasker's version, as in package.json (tests/package checks they agree). */
export const VERSION = '0.1.0';
