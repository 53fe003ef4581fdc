// Module hooks that append every resolved module URL to $TRACE_FILE (the package test checks what loads).
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.TRACE_FILE, `${result.url}\n`);
  return result;
}
