/**
 * A lean HTTP/1.1 path for the API server's webhook calls: on each TLS connection, plain
 * `POST <webhook path>` requests with a Content-Length (no chunking, Expect, Upgrade or
 * Connection: close) are parsed here and answered in one write, about half the CPU of Node's HTTP
 * server per request. The first request that is anything else hands the connection, unread bytes
 * included, to Node's HTTP server for good, so health checks, errors (404, 405, 413) and the
 * subresource API behave exactly as before.
 */
import { STATUS_CODES } from 'node:http';
import type https from 'node:https';
import type { TLSSocket } from 'node:tls';

/** A webhook request taken by the fast path. */
export interface FastRequest {
  readonly path: string;
  /** The Content-Type header as sent ('' when absent). */
  readonly contentType: string;
  readonly body: Buffer;
}

export interface FastPathOptions {
  /** The pathname of a request target when it is a webhook path the fast path may answer. */
  readonly webhookPath: (target: string) => string | undefined;
  /** The JSON answer (always HTTP 200); never rejects. */
  readonly serve: (req: FastRequest) => Promise<string>;
  /** Bodies larger than this are left to Node's server (which refuses them). */
  readonly maxBody: number;
  /** Idle time after which a kept-alive connection is closed (also sent as the Keep-Alive hint). */
  readonly keepAliveMs: number;
}

/** Request heads longer than this are left to Node's server (which answers 431). */
const MAX_HEAD = 16 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n');
const open = new WeakMap<https.Server, Set<TLSSocket>>();

let dateSecond = -1;
let dateText = '';
/** The Date header's value, computed once a second as Node's server does. */
function httpDate(): string {
  const now = Date.now();
  const s = Math.floor(now / 1000);
  if (s !== dateSecond) [dateSecond, dateText] = [s, new Date(now).toUTCString()];
  return dateText;
}

/** A parsed request head the fast path takes, or undefined when Node's server must see it. */
interface Head {
  readonly path: string;
  readonly contentType: string;
  readonly length: number;
}

/** Parses `head` (request line and header lines, without the blank line). */
export function parseHead(head: string, webhookPath: (target: string) => string | undefined): Head | undefined {
  const lines = head.split('\r\n');
  const m = /^POST (\S+) HTTP\/1\.1$/.exec(lines[0] ?? '');
  const path = m ? webhookPath(m[1]!) : undefined;
  if (!path) return undefined;
  let length: number | undefined;
  let contentType = '';
  let host = false;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0 || /\s/.test(line[0]!) || /\s/.test(line[colon - 1]!)) return undefined;
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-length') {
      if (length !== undefined || !/^\d{1,9}$/.test(value)) return undefined;
      length = Number(value);
    } else if (name === 'content-type') contentType = value;
    else if (name === 'host') host = true;
    else if (name === 'transfer-encoding' || name === 'expect' || name === 'upgrade') return undefined;
    else if (name === 'connection' && !/^keep-alive$/i.test(value)) return undefined;
  }
  // Node's server answers an HTTP/1.1 request without Host with 400: leave it that.
  return length === undefined || !host ? undefined : { path, contentType, length };
}

/** Serves one TLS connection on the fast path until a request needs Node's server. */
function serveConnection(server: https.Server, socket: TLSSocket, opts: FastPathOptions, handOff: (socket: TLSSocket) => void): void {
  const sockets = open.get(server)!;
  sockets.add(socket);
  let buf: Buffer = Buffer.alloc(0);
  let busy = false;
  let done = false;
  const release = () => {
    done = true;
    sockets.delete(socket);
    socket.removeListener('data', onData);
    socket.removeListener('timeout', onTimeout);
    socket.removeListener('close', onClose);
    socket.setTimeout(0);
  };
  const onTimeout = () => socket.destroy();
  const onClose = () => release();
  const toNode = () => {
    release();
    socket.pause();
    if (buf.length > 0) socket.unshift(buf);
    handOff(socket);
    socket.resume();
  };
  const next = (): void => {
    if (busy || done) return;
    const end = buf.indexOf(HEAD_END);
    if (end < 0) {
      if (buf.length > MAX_HEAD) toNode();
      return;
    }
    const head = parseHead(buf.toString('latin1', 0, end), opts.webhookPath);
    if (!head || head.length > opts.maxBody) return toNode();
    const total = end + HEAD_END.length + head.length;
    if (buf.length < total) return;
    const body = buf.subarray(end + HEAD_END.length, total);
    buf = buf.subarray(total);
    busy = true;
    socket.setTimeout(0);
    void opts.serve({ path: head.path, contentType: head.contentType, body }).then((text) => {
      busy = false;
      if (done || socket.destroyed) return;
      const keepAlive = `timeout=${Math.floor(opts.keepAliveMs / 1000)}`;
      socket.write(
        `HTTP/1.1 200 ${STATUS_CODES[200]!}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nDate: ${httpDate()}\r\nConnection: keep-alive\r\nKeep-Alive: ${keepAlive}\r\n\r\n${text}`,
      );
      socket.setTimeout(opts.keepAliveMs);
      next();
    });
  };
  function onData(chunk: Buffer): void {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    next();
  }
  socket.on('data', onData);
  socket.on('timeout', onTimeout);
  socket.on('close', onClose);
  socket.setTimeout(opts.keepAliveMs);
}

/**
 * Puts the fast path in front of `server`'s HTTP handling: its existing `secureConnection`
 * listeners (Node's HTTP server) only get the connections the fast path hands over.
 */
export function installFastPath(server: https.Server, opts: FastPathOptions): void {
  const nodeListeners = server.listeners('secureConnection') as ((socket: TLSSocket) => void)[];
  server.removeAllListeners('secureConnection');
  open.set(server, new Set());
  const handOff = (socket: TLSSocket) => {
    for (const l of nodeListeners) l.call(server, socket);
  };
  server.on('secureConnection', (socket: TLSSocket) => {
    socket.on('error', () => socket.destroy());
    serveConnection(server, socket, opts, handOff);
  });
}

/** Destroys the connections the fast path still serves (Node's closeAllConnections does not know them). */
export function closeFastConnections(server: https.Server): void {
  for (const s of open.get(server) ?? []) s.destroy();
}
