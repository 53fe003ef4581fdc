// Turns template file text (YAML or TOML) into plain data plus a path → line locator.
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import { parse as parseToml, TomlError } from 'smol-toml';
import type { Problem } from './types.ts';

/** Finds the 1-based source line of a field path such as `steps[1].retry`, or of its nearest parent. */
export type Locator = (path: string) => number | undefined;

/** Parsed file data: `data` is undefined when the text could not be parsed at all. */
export interface ParsedSource {
  data: unknown;
  locate: Locator;
  problems: Problem[];
}

/** Template file formats, chosen by extension. */
export type SourceFormat = 'yaml' | 'toml';

// Aliases are registered under their canonical name too, so problems found on the
// normalized model (which only knows canonical names) still get a line.
const KEY_ALIASES: Record<string, string> = { depends_on: 'dependencies', step_type: 'type', limit: 'max_attempts' };

/** The template format implied by a file name, or null when it is not a template file. */
export function formatOf(file: string): SourceFormat | null {
  const lower = file.toLowerCase();
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  if (lower.endsWith('.toml')) return 'toml';
  return null;
}

/** The path one level up: `a.b[2]` → `a.b`, `a.b` → `a`, `a` → ``. */
export function parentPath(path: string): string {
  if (path.endsWith(']')) return path.slice(0, path.lastIndexOf('['));
  const dot = path.lastIndexOf('.');
  return dot < 0 ? '' : path.slice(0, dot);
}

function locatorFrom(lines: Map<string, number>): Locator {
  return (path) => {
    for (let p = path; p !== ''; p = parentPath(p)) {
      const line = lines.get(p);
      if (line !== undefined) return line;
    }
    return undefined;
  };
}

/** Parses template text in the given format; syntax errors become problems with line numbers. */
export function parseSource(text: string, file: string, format: SourceFormat): ParsedSource {
  return format === 'yaml' ? parseYaml(text, file) : parseTomlSource(text, file);
}

function parseYaml(text: string, file: string): ParsedSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const lines = new Map<string, number>();
  const locate = locatorFrom(lines);
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((err): Problem => ({
      severity: 'error',
      file,
      line: err.linePos?.[0]?.line,
      path: '',
      message: `YAML syntax error: ${firstLine(err.message).replace(/ at line \d+, column \d+:?$/, '')}`,
    }));
    return { data: undefined, locate, problems };
  }
  const lineOf = (node: YamlNode | null | undefined): number | undefined =>
    node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
  const walk = (node: unknown, path: string): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const line = lineOf(pair.key as YamlNode) ?? lineOf(pair.value as YamlNode);
        const childPaths = [key, KEY_ALIASES[key]].filter((k): k is string => k !== undefined).map((k) => join(path, k));
        for (const p of childPaths) if (line !== undefined && !lines.has(p)) lines.set(p, line);
        walk(pair.value, childPaths[0]);
        if (childPaths[1]) walk(pair.value, childPaths[1]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const p = `${path}[${i}]`;
        const line = lineOf(item as YamlNode);
        if (line !== undefined) lines.set(p, line);
        walk(item, p);
      });
    }
  };
  walk(doc.contents, '');
  return { data: doc.toJS({ maxAliasCount: 1000 }), locate, problems: [] };
}

function parseTomlSource(text: string, file: string): ParsedSource {
  const lines = scanTomlLines(text);
  const locate = locatorFrom(lines);
  try {
    return { data: parseToml(text), locate, problems: [] };
  } catch (err) {
    const line = err instanceof TomlError ? err.line : undefined;
    const message = err instanceof Error ? firstLine(err.message) : String(err);
    return { data: undefined, locate, problems: [{ severity: 'error', file, line, path: '', message: `TOML syntax error: ${message}` }] };
  }
}

function join(base: string, key: string): string {
  return base === '' ? key : `${base}.${key}`;
}

function firstLine(message: string): string {
  return message.split('\n')[0].trim();
}

function unquote(segment: string): string {
  const s = segment.trim();
  return (s.startsWith('"') && s.endsWith('"')) || (s.startsWith("'") && s.endsWith("'")) ? s.slice(1, -1) : s;
}

// smol-toml reports no positions for values, so a line-oriented scan of table headers and
// `key = value` lines gives the line of most fields (inline tables and multi-line strings excepted).
function scanTomlLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  const arrayCounts = new Map<string, number>();
  let prefix = '';
  const resolve = (rawSegments: string[]): string => {
    let raw = '';
    let resolved = '';
    for (const seg of rawSegments) {
      raw = join(raw, seg);
      resolved = join(resolved, seg);
      const count = arrayCounts.get(raw);
      if (count !== undefined) resolved += `[${count - 1}]`;
    }
    return resolved;
  };
  text.split(/\r?\n/).forEach((rawLine, i) => {
    const line = rawLine.trim();
    const lineNo = i + 1;
    const arrayHeader = /^\[\[\s*([^\]]+?)\s*\]\]/.exec(line);
    const tableHeader = arrayHeader ? null : /^\[\s*([^\]]+?)\s*\]/.exec(line);
    if (arrayHeader) {
      const segments = arrayHeader[1].split('.').map(unquote);
      const raw = segments.join('.');
      arrayCounts.set(raw, (arrayCounts.get(raw) ?? 0) + 1);
      prefix = resolve(segments);
      if (!lines.has(prefix)) lines.set(prefix, lineNo);
      const parent = resolve(segments.slice(0, -1));
      const arrayPath = join(parent, segments[segments.length - 1]);
      if (!lines.has(arrayPath)) lines.set(arrayPath, lineNo);
      return;
    }
    if (tableHeader) {
      prefix = resolve(tableHeader[1].split('.').map(unquote));
      if (!lines.has(prefix)) lines.set(prefix, lineNo);
      return;
    }
    const assignment = /^([A-Za-z0-9_\-."' ]+?)\s*=/.exec(line);
    if (assignment) {
      let path = prefix;
      for (const seg of assignment[1].split('.').map(unquote)) {
        path = join(path, seg);
        if (!lines.has(path)) lines.set(path, lineNo);
        const alias = KEY_ALIASES[seg];
        if (alias) lines.set(join(parentPath(path), alias), lineNo);
      }
    }
  });
  return lines;
}
