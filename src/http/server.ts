import { TaskerError } from '../errors.ts';
import type { FetchHandler, Runtime, ServerHandle } from '../runtime/types.ts';

/** The default `[web] bind_address`. */
export const DEFAULT_BIND_ADDRESS = '127.0.0.1:8080';

/** Splits `host:port` (IPv6 as `[::1]:8080`); port 0 asks the OS for a free port. */
export function parseBindAddress(address: string): { hostname: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:\s]+)):(\d{1,5})$/.exec(address.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) {
    throw new TaskerError('CONFIG_INVALID', `web bind address ${JSON.stringify(address)} is not host:port`, {
      hint: 'set [web] bind_address (or TASKER_WEB_BIND_ADDRESS) to e.g. 127.0.0.1:8080 or 0.0.0.0:8080',
    });
  }
  return { hostname: match[1] ?? match[2], port };
}

/** Binds the app to a socket through the runtime (node:http, Bun.serve or Deno.serve). */
export async function startHttpServer(app: FetchHandler, runtime: Runtime, bindAddress: string = DEFAULT_BIND_ADDRESS): Promise<ServerHandle> {
  const { hostname, port } = parseBindAddress(bindAddress || DEFAULT_BIND_ADDRESS);
  try {
    return await runtime.serve(app, { hostname, port });
  } catch (err) {
    const code = (err as { code?: string }).code;
    // node and bun say EADDRINUSE, deno names the error AddrInUse
    if (code === 'EADDRINUSE' || (err as { name?: string }).name === 'AddrInUse') {
      throw new TaskerError('PORT_IN_USE', `cannot listen on ${hostname}:${port}: another process uses this port`, {
        cause: err,
        hint: 'stop that process, or pick another address: --bind 127.0.0.1:8081 ([web] bind_address, TASKER_WEB_BIND_ADDRESS)',
        details: { hostname, port },
      });
    }
    throw new TaskerError('CONFIG_INVALID', `cannot listen on ${hostname}:${port}${code ? ` (${code})` : ''}: ${(err as Error).message}`, {
      cause: err,
      hint: 'check [web] bind_address',
      details: { hostname, port },
    });
  }
}
