import * as v from 'valibot';
import { HttpError } from './responses.ts';

/** The problems valibot found, one entry per issue, as `{path, message}`. */
export function violations(issues: readonly v.BaseIssue<unknown>[]): Array<{ path: string; message: string }> {
  return issues.map((issue) => ({ path: v.getDotPath(issue) ?? '(root)', message: issue.message }));
}

/** Parses `value` with `schema`, or throws a 400 listing every problem. */
export function validate<S extends v.GenericSchema>(schema: S, value: unknown, what: string): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  const list = violations(result.issues);
  throw new HttpError('BAD_REQUEST', `invalid ${what}: ${list.map((p) => `${p.path}: ${p.message}`).join('; ')}`, { details: { violations: list } });
}

function isJsonContentType(value: string | null): boolean {
  if (!value) return false;
  const type = value.split(';')[0].trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

// Reads at most `limit` bytes, so a client lying about (or omitting) Content-Length cannot make us buffer more.
async function readLimited(request: Request, limit: number): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

function tooLarge(limit: number): HttpError {
  return new HttpError('PAYLOAD_TOO_LARGE', `request body exceeds the limit of ${limit} bytes`, { details: { max_body_bytes: limit } });
}

/**
 * Reads a JSON request body: 415 unless the content type is JSON, 413 beyond `limit` bytes
 * (`[web] max_body_bytes`), 400 for an empty or malformed document.
 */
export async function readJsonBody(request: Request, limit: number): Promise<unknown> {
  const length = request.headers.get('content-length');
  if (length !== null && Number(length) > limit) throw tooLarge(limit);
  if (!isJsonContentType(request.headers.get('content-type'))) {
    throw new HttpError('UNSUPPORTED_MEDIA_TYPE', `request body must be JSON (Content-Type: application/json), got ${JSON.stringify(request.headers.get('content-type') ?? '')}`);
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(await readLimited(request, limit));
  if (!text.trim()) throw new HttpError('BAD_REQUEST', 'request body is empty; expected a JSON document');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpError('BAD_REQUEST', `request body is not valid JSON: ${(err as Error).message}`);
  }
}
