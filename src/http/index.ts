// The HTTP API (DESIGN §10): a fetch function and its socket binding.
export { createHttpApp, type HttpApp, type HttpAppOptions } from './app.ts';
export { startHttpServer, parseBindAddress, DEFAULT_BIND_ADDRESS } from './server.ts';
export { HttpError, HttpErrorCode } from './responses.ts';
