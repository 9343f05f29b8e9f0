/**
 * launcher-rpc: the handler <-> launcher contract (protocol.ts) with both ends, LauncherClient
 * (handler) and LauncherServer (launcher). Newline-delimited JSON over a unix socket.
 */
export * from './protocol.js';
export * from './client.js';
export * from './server.js';
