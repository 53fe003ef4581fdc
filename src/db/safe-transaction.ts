// Transactions that survive the connection dying under them (postgres.js 3.4.9), and the test for
// "the connection itself is gone" that the loops and the transaction guard share.
import type postgres from 'postgres';
import type { Queryable } from './types.ts';

// Errors that mean the connection itself is gone (postgres.js codes, socket errors, SQLSTATE classes 08 and
// 57P01–57P03: terminated by an administrator, crash shutdown, cannot connect now).
const CONNECTION_LOST = new Set(['CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECTION_ENDED', 'CONNECT_TIMEOUT', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', '57P01', '57P02', '57P03']);

/** True when `err` says the database connection is gone (as opposed to a statement failing). */
export function isConnectionLost(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (CONNECTION_LOST.has(code) || code.startsWith('08'));
}

/**
 * `sql.begin`, made safe against the connection dying mid-transaction. When a statement fails, postgres.js
 * writes ROLLBACK to the transaction's connection; if that connection is already closed, postgres.js 3.4.9
 * calls `socket.write` on a null socket from a setImmediate — an uncatchable TypeError that ends the process
 * (porsager/postgres#1154, #1208). So when a statement fails because the connection is gone, the callback
 * does not return to postgres.js: it waits, `sql.begin` rejects as soon as the connection reports its close
 * (the server has rolled back), and the abandoned callback is left pending. Should the connection not close
 * within a few seconds after all, the error is rethrown and postgres.js rolls back as usual.
 */
export function safeTransaction<T>(sql: postgres.Sql, run: (conn: postgres.TransactionSql) => Queryable, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  let settled = false;
  let abandon: (() => void) | null = null;
  const begun = sql.begin(async (conn) => {
    try {
      return await fn(run(conn));
    } catch (err) {
      if (isConnectionLost(err)) {
        // resolves only if the connection did not close after all; otherwise stays pending for good
        await new Promise<void>((resolve) => {
          if (settled) return;
          const timer = setTimeout(resolve, 5000);
          abandon = () => clearTimeout(timer);
        });
      }
      throw err;
    }
  }) as Promise<T>;
  return begun.finally(() => {
    settled = true;
    abandon?.();
  });
}
