/**
 * libvirt's RPC transport: length-prefixed XDR messages over a stream socket, calls matched to
 * replies by serial, server ERROR replies decoded into LibvirtError, asynchronous MESSAGE events
 * dispatched to listeners, and the keepalive program (answer PINGs, send our own, close on timeout).
 */
import { connect as netConnect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { LibvirtError, rpcError, VIR_ERR_SYSTEM_ERROR, VIR_FROM_RPC, type RemoteErrorFields } from './errors.js';
import {
  KEEPALIVE_PROC_PING,
  KEEPALIVE_PROC_PONG,
  KEEPALIVE_PROGRAM,
  KEEPALIVE_PROTOCOL_VERSION,
  MESSAGE_HEADER_SIZE,
  MESSAGE_MAX,
  MessageStatus,
  MessageType,
  REMOTE_STRING_MAX,
  UUID_LEN,
} from './protocol.js';
import { XdrReader, XdrWriter } from './xdr.js';

/** virNetMessageHeader */
export interface MessageHeader {
  readonly prog: number;
  readonly vers: number;
  readonly proc: number;
  readonly type: number;
  readonly serial: number;
  readonly status: number;
}

/** Serialises one whole message: length word (counting itself), header, payload. */
export function encodeMessage(h: MessageHeader, payload: Uint8Array = Buffer.alloc(0)): Buffer {
  const total = 4 + MESSAGE_HEADER_SIZE + payload.length;
  if (total - 4 > MESSAGE_MAX) throw rpcError(`message payload of ${payload.length} bytes is too large`);
  const w = new XdrWriter(total);
  w.uint(total).uint(h.prog).uint(h.vers).int(h.proc).int(h.type).uint(h.serial).int(h.status);
  w.raw(payload);
  return w.finish();
}

/** Parses the header at the start of a frame (a message without its length word). */
export function decodeHeader(r: XdrReader): MessageHeader {
  return { prog: r.uint(), vers: r.uint(), proc: r.int(), type: r.int(), serial: r.uint(), status: r.int() };
}

/** Splits a byte stream into frames; throws LibvirtError on a length libvirt would refuse. */
export class FrameDecoder {
  private pending: Buffer[] = [];
  private pendingLen = 0;

  push(chunk: Buffer): Buffer[] {
    this.pending.push(chunk);
    this.pendingLen += chunk.length;
    const frames: Buffer[] = [];
    while (this.pendingLen >= 4) {
      if (this.pending[0]!.length < 4) this.pending = [Buffer.concat(this.pending)];
      const total = this.pending[0]!.readUInt32BE(0);
      if (total < 4 + MESSAGE_HEADER_SIZE || total - 4 > MESSAGE_MAX) {
        throw rpcError(`packet ${total} bytes received from server too large or too small`);
      }
      // Join chunks only once a whole message is there: large replies arrive in many pieces.
      if (this.pendingLen < total) break;
      const head = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
      frames.push(Buffer.from(head.subarray(4, total)));
      const rest = head.subarray(total);
      this.pending = rest.length > 0 ? [rest] : [];
      this.pendingLen = rest.length;
    }
    return frames;
  }
}

function optString(r: XdrReader): string | null {
  return r.optional((x) => x.string(REMOTE_STRING_MAX));
}

/** Decodes remote_error (virNetMessageError), the payload of every ERROR reply. */
export function decodeRemoteError(r: XdrReader): RemoteErrorFields {
  const code = r.int();
  const domain = r.int();
  const message = optString(r);
  const level = r.int();
  r.optional((x) => ({ name: x.string(REMOTE_STRING_MAX), uuid: x.fixedOpaque(UUID_LEN), id: x.int() }));
  const str1 = optString(r);
  const str2 = optString(r);
  const str3 = optString(r);
  const int1 = r.int();
  const int2 = r.int();
  r.optional((x) => ({ name: x.string(REMOTE_STRING_MAX), uuid: x.fixedOpaque(UUID_LEN) }));
  return { code, domain, message, level, str1, str2, str3, int1, int2 };
}

/** An asynchronous MESSAGE from the server (a domain event), not a reply. */
export interface RpcEvent {
  readonly prog: number;
  readonly proc: number;
  readonly body: XdrReader;
}

/** Tunables of the transport. */
export interface RpcOptions {
  /** Idle time before we send a keepalive PING (libvirt's default: 5 s). */
  readonly keepaliveIntervalMs?: number;
  /** Unanswered PINGs after which the connection is closed (libvirt's default: 5). */
  readonly keepaliveCount?: number;
}

interface Pending {
  readonly prog: number;
  readonly proc: number;
  resolve(body: XdrReader): void;
  reject(err: Error): void;
}

/** Encodes call arguments into the writer. */
export type ArgsEncoder = (w: XdrWriter) => void;

/** One RPC connection to a libvirt daemon: calls, events, keepalive and close. */
export class RpcClient {
  private serial = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly frames = new FrameDecoder();
  private readonly eventListeners = new Set<(ev: RpcEvent) => void>();
  private readonly closeListeners = new Set<(err: LibvirtError | null) => void>();
  private closeError: LibvirtError | null | undefined;
  private keepaliveTimer: NodeJS.Timeout | undefined;
  private lastReceived = Date.now();
  private unansweredPings = 0;
  private readonly intervalMs: number;
  private readonly count: number;

  constructor(private readonly socket: Duplex, opts: RpcOptions = {}) {
    this.intervalMs = opts.keepaliveIntervalMs ?? 5000;
    this.count = opts.keepaliveCount ?? 5;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err: Error) => this.shutdown(rpcError(`client socket error: ${err.message}`, err)));
    socket.on('close', () => this.shutdown(rpcError('client socket is closed')));
    socket.on('end', () => this.shutdown(rpcError('client socket is closed')));
  }

  /** Opens a unix socket to a daemon and wraps it. */
  static connectUnix(path: string, opts: RpcOptions = {}): Promise<RpcClient> {
    return new Promise((resolve, reject) => {
      const sock: Socket = netConnect(path);
      const onError = (err: Error): void => {
        reject(new LibvirtError({ code: VIR_ERR_SYSTEM_ERROR, domain: VIR_FROM_RPC, message: `Failed to connect socket to '${path}': ${err.message}` }, { cause: err }));
      };
      sock.once('error', onError);
      sock.once('connect', () => {
        sock.off('error', onError);
        resolve(new RpcClient(sock, opts));
      });
    });
  }

  /** True once the connection is closed (by us, the server, an error or keepalive timeout). */
  get isClosed(): boolean {
    return this.closeError !== undefined;
  }

  /** Sends a CALL and resolves with a reader over the reply payload; rejects with LibvirtError. */
  call(prog: number, vers: number, proc: number, args?: ArgsEncoder): Promise<XdrReader> {
    if (this.closeError !== undefined) return Promise.reject(this.closeError ?? rpcError('client socket is closed'));
    const w = new XdrWriter();
    args?.(w);
    this.serial = (this.serial + 1) >>> 0;
    const serial = this.serial;
    const msg = encodeMessage({ prog, vers, proc, type: MessageType.CALL, serial, status: MessageStatus.OK }, w.finish());
    return new Promise<XdrReader>((resolve, reject) => {
      this.pending.set(serial, { prog, proc, resolve, reject });
      this.socket.write(msg);
    });
  }

  /** Sends a one-way MESSAGE (used by keepalive). */
  private send(prog: number, vers: number, proc: number): void {
    if (this.closeError !== undefined) return;
    this.socket.write(encodeMessage({ prog, vers, proc, type: MessageType.MESSAGE, serial: 0, status: MessageStatus.OK }));
  }

  /** Subscribes to server MESSAGEs (events); returns the unsubscribe function. */
  onEvent(listener: (ev: RpcEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Called once when the connection closes: null for a local close(), the error otherwise. */
  onClose(listener: (err: LibvirtError | null) => void): () => void {
    if (this.closeError !== undefined) {
      queueMicrotask(() => listener(this.closeError ?? null));
      return () => undefined;
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /**
   * Starts our side of keepalive: PING after intervalMs of silence, close after `count` unanswered
   * PINGs. Call it only once the server said it supports the keepalive program.
   */
  startKeepalive(): void {
    if (this.keepaliveTimer || this.intervalMs <= 0 || this.closeError !== undefined) return;
    this.lastReceived = Date.now();
    this.keepaliveTimer = setInterval(() => this.keepaliveTick(), this.intervalMs);
    this.keepaliveTimer.unref();
  }

  private keepaliveTick(): void {
    if (Date.now() - this.lastReceived < this.intervalMs) return;
    if (this.unansweredPings >= this.count) {
      this.abort(rpcError('connection closed due to keepalive timeout'));
      return;
    }
    this.unansweredPings++;
    this.send(KEEPALIVE_PROGRAM, KEEPALIVE_PROTOCOL_VERSION, KEEPALIVE_PROC_PING);
  }

  /** Tears the connection down at once: pending calls reject with `err`, close listeners get it. */
  abort(err: LibvirtError): void {
    this.shutdown(err);
    this.socket.destroy();
  }

  /** Closes the socket; pending calls are rejected. Resolves when the socket is gone. */
  close(): Promise<void> {
    if (this.closeError === undefined) this.shutdown(null);
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.end();
      // A peer that never closes its side must not keep us waiting.
      setTimeout(() => this.socket.destroy(), 1000).unref();
    });
  }

  private shutdown(err: LibvirtError | null): void {
    if (this.closeError !== undefined) return;
    this.closeError = err;
    if (this.keepaliveTimer) clearInterval(this.keepaliveTimer);
    const reason = err ?? rpcError('client socket is closed');
    for (const p of this.pending.values()) p.reject(reason);
    this.pending.clear();
    for (const l of this.closeListeners) l(err);
    this.closeListeners.clear();
  }

  private onData(chunk: Buffer): void {
    this.lastReceived = Date.now();
    this.unansweredPings = 0;
    let frames: Buffer[];
    try {
      frames = this.frames.push(chunk);
    } catch (err) {
      this.abort(err instanceof LibvirtError ? err : rpcError(String(err)));
      return;
    }
    for (const f of frames) this.dispatch(f);
  }

  private dispatch(frame: Buffer): void {
    const r = new XdrReader(frame);
    const h = decodeHeader(r);
    if (h.prog === KEEPALIVE_PROGRAM) {
      if (h.proc === KEEPALIVE_PROC_PING) this.send(KEEPALIVE_PROGRAM, KEEPALIVE_PROTOCOL_VERSION, KEEPALIVE_PROC_PONG);
      return;
    }
    switch (h.type) {
      case MessageType.REPLY:
        this.onReply(h, r);
        return;
      case MessageType.MESSAGE:
        for (const l of this.eventListeners) l({ prog: h.prog, proc: h.proc, body: new XdrReader(frame.subarray(MESSAGE_HEADER_SIZE)) });
        return;
      default:
        // Streams and fd-passing replies are not used by this client.
        return;
    }
  }

  private onReply(h: MessageHeader, r: XdrReader): void {
    const p = this.pending.get(h.serial);
    if (!p) return;
    this.pending.delete(h.serial);
    if (p.prog !== h.prog || p.proc !== h.proc) {
      p.reject(rpcError(`reply with serial ${h.serial} is for procedure ${h.proc}, not ${p.proc}`));
      return;
    }
    if (h.status === MessageStatus.OK) {
      p.resolve(r);
      return;
    }
    try {
      p.reject(new LibvirtError(decodeRemoteError(r)));
    } catch (err) {
      p.reject(rpcError(`malformed error reply to procedure ${h.proc}`, err));
    }
  }
}
