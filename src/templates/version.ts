// Template versions: any 1–50 character string (as in the original system, e.g. "1.0"); "latest" prefers semver order
// where both versions parse as (loose) semver, else the later registration.

/** Why `version` is not acceptable (null when it is): 1–50 characters, no surrounding whitespace. */
export function versionProblem(version: string): string | null {
  if (version.length > 50) return `expected at most 50 characters, got ${version.length}`;
  if (version.trim() !== version) return 'expected no leading or trailing whitespace';
  return null;
}

interface ParsedVersion {
  core: number[];
  pre: string[];
}

const LOOSE_SEMVER = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/** Parses `1`, `1.0`, `1.2.3`, `v1.2.3-rc.1+build` (missing parts are 0); null for anything else. */
export function parseVersion(version: string): ParsedVersion | null {
  const m = LOOSE_SEMVER.exec(version);
  if (!m) return null;
  return { core: [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)], pre: m[4] ? m[4].split('.') : [] };
}

function comparePre(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return (a.length === 0 ? 1 : 0) - (b.length === 0 ? 1 : 0); // a release wins
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] === undefined || b[i] === undefined) return a[i] === undefined ? -1 : 1;
    const na = /^\d+$/.test(a[i]) ? Number(a[i]) : null;
    const nb = /^\d+$/.test(b[i]) ? Number(b[i]) : null;
    if (na !== null && nb !== null) {
      if (na !== nb) return na - nb;
    } else if (na !== null || nb !== null) {
      return na !== null ? -1 : 1; // numeric identifiers sort before alphanumeric ones
    } else if (a[i] !== b[i]) {
      return a[i] < b[i] ? -1 : 1;
    }
  }
  return 0;
}

/** A registered version: the string and when it was first registered. */
export interface RegisteredVersion {
  version: string;
  registeredAt: Date | string | number;
}

/** > 0 when `a` is newer than `b`: semver order when both parse, else registration time (then the string). */
export function compareVersions(a: RegisteredVersion, b: RegisteredVersion): number {
  const pa = parseVersion(a.version);
  const pb = parseVersion(b.version);
  if (pa && pb) {
    for (let i = 0; i < 3; i++) if (pa.core[i] !== pb.core[i]) return pa.core[i] - pb.core[i];
    const pre = comparePre(pa.pre, pb.pre);
    if (pre !== 0) return pre;
  }
  const ta = new Date(a.registeredAt).getTime();
  const tb = new Date(b.registeredAt).getTime();
  if (ta !== tb) return ta - tb;
  return a.version === b.version ? 0 : a.version < b.version ? -1 : 1;
}

/** The latest of `versions` by {@link compareVersions}; undefined for an empty list. */
export function latestVersion<T extends RegisteredVersion>(versions: readonly T[]): T | undefined {
  return versions.reduce<T | undefined>((best, v) => (best === undefined || compareVersions(v, best) > 0 ? v : best), undefined);
}

/** `versions` newest first. */
export function sortVersionsNewestFirst<T extends RegisteredVersion>(versions: readonly T[]): T[] {
  return [...versions].sort((a, b) => compareVersions(b, a));
}
