// Catalogues that must stay true: every ErrorCode is raised somewhere in src/ (and documented in the README),
// no module outside src/runtime/ touches the runtime globals or the host built-ins, and the public entry lists
// its exports by name.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors.ts';

const ROOT = join(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.(ts|mjs)$/.test(name) ? [path] : [];
  });
}

/** Source text without comments, so a code named only in a comment does not count. */
function code(path: string): string {
  return readFileSync(path, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

const sources = files(SRC).map((path) => ({ file: relative(SRC, path), text: code(path) }));

describe('error catalogue', () => {
  it('raises every ErrorCode somewhere in src/', () => {
    const others = sources.filter((s) => s.file !== 'errors.ts');
    const unused = Object.keys(ErrorCode).filter(
      (c) => !others.some((s) => s.text.includes(`'${c}'`) || new RegExp(`\\bErrorCode\\.${c}\\b`).test(s.text)),
    );
    expect(unused).toEqual([]);
  });

  it('raises TaskerError only with catalogue codes', () => {
    const known = new Set(Object.keys(ErrorCode));
    const raised = sources.flatMap((s) => [...s.text.matchAll(/new TaskerError\(\s*'([A-Z_]+)'/g)].map((m) => ({ file: s.file, code: m[1] })));
    expect(raised.length).toBeGreaterThan(50);
    expect(raised.filter((r) => !known.has(r.code))).toEqual([]);
  });

  it('documents exactly the catalogue in the README table', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Error codes'));
    // the first table of the section; the second lists step results' error_code values
    const table = section.slice(0, section.indexOf('\n\n', section.indexOf('| Code |')));
    const listed = [...table.matchAll(/^\| ([^|]+) \|/gm)].flatMap((m) => [...m[1].matchAll(/`([A-Z_]+)`/g)].map((c) => c[1]));
    expect(listed.sort()).toEqual(Object.keys(ErrorCode).sort());
  });
});

describe('runtime rule', () => {
  const outside = sources.filter((s) => !s.file.startsWith('runtime/'));

  it('no module outside src/runtime/ touches process, Deno or Bun globals', () => {
    const hits = outside.flatMap((s) =>
      s.text.split('\n').flatMap((line, i) => (/(^|[^\w.'"/-])(process|Deno|Bun)\.[a-zA-Z]/.test(line) ? [`${s.file}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(hits).toEqual([]);
  });

  it('no module outside src/runtime/ imports host built-ins (fs, child_process, net, os, worker_threads)', () => {
    const hits = outside.flatMap((s) =>
      [...s.text.matchAll(/from ['"](node:)?(fs|fs\/promises|child_process|net|os|worker_threads|http)['"]/g)].map((m) => `${s.file}: ${m[0]}`),
    );
    expect(hits).toEqual([]);
  });
});

describe('public entry', () => {
  it('src/index.ts names every export (no export *)', () => {
    const index = readFileSync(join(SRC, 'index.ts'), 'utf8');
    expect(index).not.toMatch(/^export \*/m);
    expect(sources.filter((s) => /^export \* from/m.test(s.text)).map((s) => s.file)).toEqual([]);
  });
});
