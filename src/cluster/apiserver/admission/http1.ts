/**
 * A lean HTTP/1.1 client for webhook calls: kept-alive TLS connections per origin and one write
 * per request, the response read straight off the socket (Content-Length, chunked, or until close).
 * Node's ClientRequest/IncomingMessage machinery costs the API server's single thread about twice
 * the CPU per call; webhook calls are one small JSON POST each, which is all this speaks.
 */
import { connect, type SecureContext, type TLSSocket } from 'node:tls';
import { isIP } from 'node:net';

/** Where connections of one pool go and how they are trusted. */
export interface Origin {
  readonly host: string;
  readonly port: number;
  /** The name the certificate must carry; an IP address is checked against the certificate's IPs. */
  readonly servername: string;
  /** The trust (CA bundle) of this pool's connections; undefined: the system roots. */
  readonly secureContext?: SecureContext;
}

/** A parsed response: status code and body (headers are not needed by webhook calls). */
export interface Http1Response {
  readonly status: number;
  readonly body: Buffer;
}

const CRLF2 = Buffer.from('\r\n\r\n');

/** Incremental parser of one HTTP/1.1 response; `push` returns the response once it is complete. */
export class ResponseParser {
  private buf: Buffer = Buffer.alloc(0);
  private head?: { status: number; length?: number; chunked: boolean; close: boolean; start: number };
  private chunks: Buffer[] = [];
  private size = 0;
  /** Whether the connection may carry another request once the response is complete. */
  keepAlive = true;

  constructor(private readonly maxBody: number) {}

  /** Feeds bytes; the response when complete, undefined when more are needed. Throws on a malformed one. */
  push(data: Buffer): Http1Response | undefined {
    this.buf = this.buf.length === 0 ? data : Buffer.concat([this.buf, data]);
    while (!this.head) {
      const end = this.buf.indexOf(CRLF2);
      if (end < 0) {
        if (this.buf.length > 64 * 1024) throw new Error('Parse Error: Header overflow');
        return undefined;
      }
      const head = parseHead(this.buf.toString('latin1', 0, end));
      this.buf = this.buf.subarray(end + 4);
      if (head.status >= 100 && head.status < 200 && head.status !== 101) continue; // informational: the real answer follows
      this.head = { ...head, start: 0 };
      this.keepAlive = !head.close && (head.length !== undefined || head.chunked);
    }
    return this.head.chunked ? this.chunked() : this.head.length !== undefined ? this.sized(this.head.length) : this.untilClose();
  }

  /** The connection ended: the response if it was delimited by the close, else an error. */
  end(): Http1Response {
    if (this.head && !this.head.chunked && this.head.length === undefined) return { status: this.head.status, body: this.body() };
    throw new Error('socket hang up');
  }

  private take(n: number): void {
    this.size += n;
    if (this.size > this.maxBody) throw new Error('response body too large');
    this.chunks.push(this.buf.subarray(0, n));
    this.buf = this.buf.subarray(n);
  }

  private body(): Buffer {
    return this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size);
  }

  private sized(length: number): Http1Response | undefined {
    if (length > this.maxBody) throw new Error('response body too large');
    const need = length - this.size;
    if (this.buf.length < need) {
      if (this.buf.length > 0) this.take(this.buf.length);
      return undefined;
    }
    this.take(need);
    return { status: this.head!.status, body: this.body() };
  }

  private untilClose(): undefined {
    if (this.buf.length > 0) this.take(this.buf.length);
    return undefined;
  }

  private chunked(): Http1Response | undefined {
    for (;;) {
      if (this.head!.start === -1) {
        // After the last chunk: trailers end with an empty line.
        const end = this.buf.indexOf('\r\n');
        if (end < 0) return undefined;
        this.buf = this.buf.subarray(end + 2);
        if (end === 0) return { status: this.head!.status, body: this.body() };
        continue;
      }
      const eol = this.buf.indexOf('\r\n');
      if (eol < 0) return undefined;
      const size = parseInt(this.buf.toString('latin1', 0, eol).split(';')[0]!.trim(), 16);
      if (!Number.isFinite(size) || size < 0) throw new Error('Parse Error: Invalid character in chunk size');
      if (size === 0) {
        this.buf = this.buf.subarray(eol + 2);
        this.head!.start = -1;
        continue;
      }
      if (this.buf.length < eol + 2 + size + 2) return undefined;
      this.buf = this.buf.subarray(eol + 2);
      this.take(size);
      this.buf = this.buf.subarray(2);
    }
  }
}

function parseHead(text: string): { status: number; length?: number; chunked: boolean; close: boolean } {
  const lines = text.split('\r\n');
  const m = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(lines[0] ?? '');
  if (!m) throw new Error('Parse Error: Expected HTTP/');
  let length: number | undefined;
  let chunked = false;
  let close = m[1] === '0';
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error('Parse Error: Invalid header value char');
    // Only Content-Length, Transfer-Encoding and Connection matter: skip the rest cheaply.
    const first = line.charCodeAt(0) | 0x20;
    if (first !== 0x63 && first !== 0x74) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-length') {
      if (!/^\d+$/.test(value) || (length !== undefined && length !== Number(value))) throw new Error('Parse Error: Invalid Content-Length');
      length = Number(value);
    } else if (name === 'transfer-encoding') chunked = value.toLowerCase().split(',').map((s) => s.trim()).includes('chunked');
    else if (name === 'connection') {
      const tokens = value.toLowerCase().split(',').map((s) => s.trim());
      if (tokens.includes('close')) close = true;
      else if (tokens.includes('keep-alive')) close = false;
    }
  }
  const status = Number(m[2]);
  // Responses without a body.
  if (status === 204 || status === 304) return { status, length: 0, chunked: false, close };
  if (chunked || length === undefined) return { status, chunked, close };
  return { status, length, chunked, close };
}

/** A request waiting for a connection: given one, or told a slot is free (undefined) to dial itself. */
interface Waiter {
  /** False when the request stopped waiting (aborted) before. */
  give(c: Conn | undefined | Error): boolean;
}

/** What the request using a connection is told of the socket's events. */
interface ConnHandler {
  data(d: Buffer): void;
  end(): void;
  error(err: Error): void;
}

/**
 * One kept-alive connection. Its socket listeners are added once, when it is dialled, and pass
 * events to the request using it (or drop it while it is idle): adding and removing listeners per
 * call costs a TLS socket more than the call's own parsing.
 */
class Conn {
  /** The request using the connection; undefined while idle. */
  handler: ConnHandler | undefined;
  /** Since when it is idle (performance.now()). */
  idleSince = 0;
  /** Destroyed and no longer counted in the pool. */
  dead = false;

  constructor(
    readonly socket: TLSSocket,
    onIdleEvent: (c: Conn) => void,
  ) {
    socket.on('data', (d: Buffer) => (this.handler ? this.handler.data(d) : onIdleEvent(this)));
    const ended = (): void => (this.handler ? this.handler.end() : onIdleEvent(this));
    socket.on('end', ended);
    socket.on('close', ended);
    socket.on('error', (err: Error) => (this.handler ? this.handler.error(err) : onIdleEvent(this)));
  }
}

const ignore = (): void => {};

/**
 * Idle connections older than this are not reused: 10 s within the 65 s virt-api (and the API
 * server) keep them, so a call never races the server closing its end of an idle connection,
 * while a burst after a quiet half minute still finds its connections open (no new TLS dials).
 */
export const MAX_IDLE_MS = 55_000;

/** A call's deadline (a timer and one listener: cheaper than an AbortSignal per call). */
class Deadline {
  expired = false;
  private listener: (() => void) | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(ms: number) {
    this.timer = setTimeout(() => {
      this.expired = true;
      this.listener?.();
    }, ms);
  }

  /** Calls `fn` when the deadline passes (replacing the previous listener); undefined stops listening. */
  listen(fn: (() => void) | undefined): void {
    this.listener = fn;
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

/** The error of a call whose deadline passed, worded as Go's context package. */
const deadlineExceeded = (): Error => new Error('context deadline exceeded');

/** Kept-alive connections to one origin, at most `max` at once; further requests wait their turn. */
export class Http1Pool {
  private readonly idle: Conn[] = [];
  private readonly waiting: Waiter[] = [];
  private open = 0;
  private closed = false;

  constructor(
    private readonly origin: Origin,
    private readonly max = 16,
    private readonly maxIdleMs = MAX_IDLE_MS,
  ) {}

  /** Connections open now (idle or in use). */
  get size(): number {
    return this.open;
  }

  /**
   * POSTs `payload` to `path` (`headers`: extra `Name: value\r\n` lines); resolves with the response,
   * rejects with the connection's error, or "context deadline exceeded" after `timeoutMs` (waiting included).
   */
  async post(path: string, headers: string, payload: Buffer, opts: { maxBody: number; timeoutMs: number }): Promise<Http1Response> {
    const deadline = new Deadline(opts.timeoutMs);
    try {
      return await this.exchange(await this.acquire(deadline), path, headers, payload, opts.maxBody, deadline);
    } finally {
      deadline.clear();
    }
  }

  private exchange(conn: Conn, path: string, headers: string, payload: Buffer, maxBody: number, deadline: Deadline): Promise<Http1Response> {
    return new Promise<Http1Response>((resolve, reject) => {
      if (deadline.expired) {
        this.release(conn);
        return reject(deadlineExceeded());
      }
      // Closed by the server while being handed over from another request.
      if (conn.dead) return reject(new Error('socket hang up'));
      const parser = new ResponseParser(maxBody);
      let done = false;
      const finish = (err: Error | undefined, res?: Http1Response): void => {
        if (done) return;
        done = true;
        conn.handler = undefined;
        deadline.listen(undefined);
        if (err || !parser.keepAlive) this.discard(conn);
        else this.release(conn);
        if (err) reject(err);
        else resolve(res!);
      };
      conn.handler = {
        data: (d) => {
          try {
            const res = parser.push(d);
            if (res) finish(undefined, res);
          } catch (err) {
            finish(err as Error);
          }
        },
        end: () => {
          try {
            const res = parser.end();
            parser.keepAlive = false;
            finish(undefined, res);
          } catch (err) {
            finish(err as Error);
          }
        },
        error: (err) => finish(err),
      };
      deadline.listen(() => finish(deadlineExceeded()));
      const host = this.origin.host.includes(':') ? `[${this.origin.host}]` : this.origin.host;
      const hostHeader = this.origin.port === 443 ? host : `${host}:${this.origin.port}`;
      const head = `POST ${path} HTTP/1.1\r\nHost: ${hostHeader}\r\n${headers}Content-Length: ${payload.length}\r\nConnection: keep-alive\r\n\r\n`;
      conn.socket.write(Buffer.concat([Buffer.from(head, 'latin1'), payload]));
    });
  }

  /** Closes every connection; waiting requests fail. */
  close(): void {
    this.closed = true;
    for (const c of this.idle.splice(0)) this.discard(c);
    for (const w of this.waiting.splice(0)) w.give(new Error('connection pool closed'));
  }

  private async acquire(deadline: Deadline): Promise<Conn> {
    for (;;) {
      if (this.closed) throw new Error('connection pool closed');
      if (deadline.expired) throw deadlineExceeded();
      const idle = this.idle.pop();
      if (idle) {
        if (performance.now() - idle.idleSince <= this.maxIdleMs) return idle;
        this.discard(idle);
        continue;
      }
      if (this.open < this.max) return this.dial(deadline);
      const given = await this.wait(deadline);
      if (given) return given;
    }
  }

  /** Waits for a connection handed over, or for a free slot (undefined). */
  private wait(deadline: Deadline): Promise<Conn | undefined> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const waiter: Waiter = {
        give: (c) => {
          if (settled) return false;
          settled = true;
          deadline.listen(undefined);
          if (c instanceof Error) reject(c);
          else resolve(c);
          return true;
        },
      };
      this.waiting.push(waiter);
      deadline.listen(() => {
        const i = this.waiting.indexOf(waiter);
        if (i >= 0) this.waiting.splice(i, 1);
        waiter.give(deadlineExceeded());
      });
    });
  }

  /** Opens a connection (counted at once, so concurrent requests never exceed `max`). */
  private dial(deadline: Deadline): Promise<Conn> {
    this.open++;
    return new Promise((resolve, reject) => {
      const o = this.origin;
      const socket = connect({
        host: o.host,
        port: o.port,
        // SNI may not be an IP address; Node then checks the certificate against `host` instead.
        ...(isIP(o.servername) ? {} : { servername: o.servername }),
        ...(o.secureContext ? { secureContext: o.secureContext } : {}),
      });
      // Errors reach the request's own listener; this one keeps a late error from being uncaught.
      socket.on('error', ignore);
      socket.setNoDelay(true);
      const fail = (err: Error): void => {
        deadline.listen(undefined);
        socket.off('secureConnect', ready);
        socket.off('error', fail);
        socket.destroy();
        this.closedOne();
        reject(err);
      };
      const ready = (): void => {
        deadline.listen(undefined);
        socket.off('error', fail);
        resolve(new Conn(socket, this.dropIdle));
      };
      socket.once('secureConnect', ready);
      socket.once('error', fail);
      deadline.listen(() => fail(deadlineExceeded()));
    });
  }

  /** Hands a reusable connection to the next waiting request, or keeps it idle. */
  private release(conn: Conn): void {
    for (let w = this.waiting.shift(); w; w = this.waiting.shift()) if (w.give(conn)) return;
    if (this.closed) return this.discard(conn);
    conn.idleSince = performance.now();
    this.idle.push(conn);
  }

  /** An idle connection the server closed (or sent something on) is dropped at once. */
  private readonly dropIdle = (conn: Conn): void => {
    const i = this.idle.indexOf(conn);
    if (i >= 0) this.idle.splice(i, 1);
    this.discard(conn);
  };

  /** Closes a connection that may not be reused; the next waiting request may dial in its place. */
  private discard(conn: Conn): void {
    if (conn.dead) return;
    conn.dead = true;
    conn.handler = undefined;
    conn.socket.destroy();
    this.closedOne();
  }

  /** A connection slot is free: the next waiting request may dial. */
  private closedOne(): void {
    this.open--;
    for (let w = this.waiting.shift(); w; w = this.waiting.shift()) if (w.give(undefined)) return;
  }
}
