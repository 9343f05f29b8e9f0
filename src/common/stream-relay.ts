/**
 * Byte relays between websockets and sockets, shared by virt-api (console, VNC, port-forward) and
 * virt-handler's console server: binary messages pass through with backpressure, and when either
 * side closes (or fails) the other is closed cleanly (a close frame for websockets, FIN for
 * sockets) so nothing is left open.
 */
import type { Socket } from 'node:net';
import WebSocket from 'ws';

const HIGH_WATER = 1 << 20;
const LOW_WATER = 1 << 18;

/** A websocket close code we may send (1005/1006/1015 are reserved for reporting). */
export function sendableCloseCode(code: number): number {
  return code === 1000 || (code >= 1001 && code <= 1014 && ![1004, 1005, 1006].includes(code)) || (code >= 3000 && code <= 4999) ? code : 1000;
}

/** How long a close handshake may take before the connection is dropped. */
export const CLOSE_GRACE_MS = 1000;

/**
 * Closes `ws` with a close frame when open (dropping the connection if the peer has not finished
 * the handshake within CLOSE_GRACE_MS), else drops it.
 */
export function closeSocket(ws: WebSocket, code = 1000, reason = ''): void {
  if (ws.readyState === WebSocket.OPEN) {
    ws.close(sendableCloseCode(code), reason.slice(0, 120));
    const timer = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
    timer.unref();
    ws.once('close', () => clearTimeout(timer));
  } else if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
}

function forward(from: WebSocket, to: WebSocket): void {
  from.on('message', (data: WebSocket.RawData) => {
    if (to.readyState !== WebSocket.OPEN) return;
    to.send(data, { binary: true }, () => {
      if (to.bufferedAmount < LOW_WATER && from.isPaused) from.resume();
    });
    if (to.bufferedAmount > HIGH_WATER) from.pause();
  });
}

/** Relays two websockets until one closes; resolves once both are closed. */
export function relayWebSockets(a: WebSocket, b: WebSocket): Promise<void> {
  forward(a, b);
  forward(b, a);
  const closed = (ws: WebSocket): Promise<void> => (ws.readyState === WebSocket.CLOSED ? Promise.resolve() : new Promise((r) => ws.once('close', () => r())));
  a.once('close', (code, reason) => closeSocket(b, code, reason.toString()));
  b.once('close', (code, reason) => closeSocket(a, code, reason.toString()));
  for (const [x, y] of [[a, b], [b, a]] as const) {
    x.on('error', () => {
      x.terminate();
      closeSocket(y, 1011, 'peer failed');
    });
  }
  return Promise.all([closed(a), closed(b)]).then(() => undefined);
}

/** Relays a websocket and a stream socket (unix or TCP) until either ends; resolves once both are closed. */
export function relaySocket(ws: WebSocket, sock: Socket): Promise<void> {
  ws.on('message', (data: WebSocket.RawData) => {
    const chunks = Array.isArray(data) ? data : [Buffer.from(data as Buffer)];
    for (const c of chunks) if (!sock.write(c)) ws.pause();
  });
  sock.on('drain', () => ws.resume());
  sock.on('data', (chunk: Buffer) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    ws.send(chunk, { binary: true }, () => {
      if (ws.bufferedAmount < LOW_WATER && sock.isPaused()) sock.resume();
    });
    if (ws.bufferedAmount > HIGH_WATER) sock.pause();
  });
  const wsClosed = new Promise<void>((r) => (ws.readyState === WebSocket.CLOSED ? r() : ws.once('close', () => r())));
  const sockClosed = new Promise<void>((r) => (sock.destroyed ? r() : sock.once('close', () => r())));
  ws.once('close', () => sock.end());
  ws.on('error', () => {
    ws.terminate();
    sock.destroy();
  });
  sock.once('end', () => closeSocket(ws, 1000, ''));
  sock.on('error', (e) => {
    closeSocket(ws, 1011, e.message);
    sock.destroy();
  });
  sock.once('close', () => closeSocket(ws, 1000, ''));
  return Promise.all([wsClosed, sockClosed]).then(() => undefined);
}
