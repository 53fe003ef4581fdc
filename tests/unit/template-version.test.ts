// Template versions: any 1–50 character string; "latest" by semver where both parse, else by registration time.
import { describe, expect, it } from 'vitest';
import { compareVersions, latestVersion, parseVersion, sortVersionsNewestFirst, versionProblem } from '../../src/templates/version.ts';

const at = (version: string, registeredAt = 0) => ({ version, registeredAt });

describe('template versions', () => {
  it('accepts 1–50 characters without surrounding whitespace', () => {
    expect(versionProblem('1.0')).toBeNull();
    expect(versionProblem('x'.repeat(50))).toBeNull();
    expect(versionProblem('x'.repeat(51))).toBe('expected at most 50 characters, got 51');
    expect(versionProblem(' 1.0')).toBe('expected no leading or trailing whitespace');
  });

  it('parses loose semver and nothing else', () => {
    expect(parseVersion('1.0')).toEqual({ core: [1, 0, 0], pre: [] });
    expect(parseVersion('v2.1.3-rc.1+build.5')).toEqual({ core: [2, 1, 3], pre: ['rc', '1'] });
    expect(parseVersion('blue')).toBeNull();
  });

  it('orders by semver (numeric parts, pre-releases before the release) where both parse', () => {
    const sorted = sortVersionsNewestFirst(['1.2.0', '1.10.0', '1.9', '1.10.0-rc.2', '1.10.0-rc.10', '1.10.0-beta'].map((v) => at(v)));
    expect(sorted.map((v) => v.version)).toEqual(['1.10.0', '1.10.0-rc.10', '1.10.0-rc.2', '1.10.0-beta', '1.9', '1.2.0']);
  });

  it('falls back to registration time when either does not parse', () => {
    expect(compareVersions(at('blue', 2), at('9.0.0', 1))).toBeGreaterThan(0);
    expect(compareVersions(at('blue', 1), at('9.0.0', 2))).toBeLessThan(0);
    expect(latestVersion([at('green', 1), at('blue', 3), at('red', 2)])?.version).toBe('blue');
    expect(latestVersion([])).toBeUndefined();
  });
});
