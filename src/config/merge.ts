/** A plain (TOML-table-like) object. */
export type Table = Record<string, unknown>;

function isTable(value: unknown): value is Table {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
}

/**
 * Deep-merges `source` into `target` (mutating it): tables merge key-wise, anything else replaces.
 * Records in `provenance` which source set each leaf key path, for error messages.
 */
export function mergeInto(target: Table, source: Table, origin: string, provenance: Map<string, string>, prefix = ''): Table {
  for (const [key, value] of Object.entries(source)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isTable(value)) {
      const existing = target[key];
      target[key] = mergeInto(isTable(existing) ? existing : {}, value, origin, provenance, path);
    } else {
      target[key] = value;
      provenance.set(path, origin);
    }
  }
  return target;
}

/** Sets `value` at a dotted path, creating tables on the way. */
export function setPath(target: Table, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (!isTable(node[key])) node[key] = {};
    node = node[key] as Table;
  }
  node[keys[keys.length - 1]] = value;
}

/** Reads the value at a dotted path, or undefined. */
export function getPath(source: unknown, path: string): unknown {
  let node = source;
  for (const key of path.split('.')) {
    if (!isTable(node)) return undefined;
    node = node[key];
  }
  return node;
}

export { isTable };
