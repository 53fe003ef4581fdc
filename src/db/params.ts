/**
 * Turns a JS array into a PostgreSQL array literal. Both drivers are given arrays this way because
 * postgres.js infers an array parameter's type from its first element (booleans, dates and nulls go
 * wrong), while a literal is parsed by the server against the statement's own `$n::type[]` cast.
 */
export function toArrayLiteral(values: readonly unknown[]): string {
  const items = values.map((v) => {
    if (v === null || v === undefined) return 'NULL';
    if (typeof v === 'number' || typeof v === 'bigint') return String(v);
    if (typeof v === 'boolean') return v ? 't' : 'f';
    const text = v instanceof Date ? v.toISOString() : typeof v === 'string' ? v : JSON.stringify(v);
    return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  });
  return `{${items.join(',')}}`;
}

/** Prepares parameters for either driver: arrays become array literals, everything else is unchanged. */
export function prepareParams(params: readonly unknown[]): unknown[] {
  return params.map((p) => (Array.isArray(p) ? toArrayLiteral(p) : p));
}
