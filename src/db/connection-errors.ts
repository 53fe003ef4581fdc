// Which database errors mean "try again later" rather than "this statement can never succeed".

// The connection itself is gone: postgres.js codes, socket errors, SQLSTATE class 08 and 57P01–57P03
// (terminated by an administrator, crash shutdown, cannot connect now).
const CONNECTION_LOST = new Set(['CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECTION_ENDED', 'CONNECT_TIMEOUT', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P02', '57P03']);

// Transient server-side conditions worth a few retries: serialization failure, deadlock, too many
// connections / out of resources (class 53), lock not available.
const TRANSIENT = new Set(['40001', '40P01', '55P03']);

function codeOf(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}

/** True when `err` means the connection to PostgreSQL was lost or could not be made. */
export function isConnectionLost(err: unknown): boolean {
  const code = codeOf(err);
  return code !== null && (CONNECTION_LOST.has(code) || code.startsWith('08'));
}

/** True when the statement may succeed if simply run again (connection loss included). */
export function isTransientDbError(err: unknown): boolean {
  const code = codeOf(err);
  return isConnectionLost(err) || (code !== null && (TRANSIENT.has(code) || code.startsWith('53')));
}
