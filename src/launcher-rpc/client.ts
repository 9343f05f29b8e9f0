/** The handler's end of the contract: typed calls over the launcher's unix socket, and its events. */
import { connect, type Socket } from 'node:net';
import {
  encodeFrame, LauncherError, LineSplitter,
  type LauncherErrorBody, type LauncherEvent, type LauncherMethod, type LauncherMethods,
} from './protocol.js';

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

/** Options of LauncherClient.connect. */
export interface LauncherClientOptions {
  /** Per-call deadline in ms (default 60 s; sync may take long on a cold QEMU). 0 = none. */
  readonly callTimeoutMs?: number;
  /** Deadline to connect in ms (default 5 s). */
  readonly connectTimeoutMs?: number;
}

/** A connection to one launcher. */
export class LauncherClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(e: LauncherEvent) => void>();
  private readonly closeListeners = new Set<() => void>();
  private closed = false;

  private constructor(private readonly sock: Socket, private readonly callTimeoutMs: number) {
    const splitter = new LineSplitter();
    sock.setEncoding('utf8');
    sock.on('data', (chunk: string) => {
      try {
        for (const line of splitter.push(chunk)) this.onLine(line);
      } catch {
        sock.destroy();
      }
    });
    sock.on('error', () => undefined);
    sock.on('close', () => this.handleClose());
  }

  /** Connects to the launcher's socket. */
  static connect(socketPath: string, opts: LauncherClientOptions = {}): Promise<LauncherClient> {
    return new Promise((resolve, reject) => {
      const sock = connect(socketPath);
      const timer = setTimeout(() => {
        sock.destroy();
        reject(new LauncherError('Unavailable', 'LauncherUnavailable', `connecting to ${socketPath}: timed out`));
      }, opts.connectTimeoutMs ?? 5000);
      sock.once('error', (err) => {
        clearTimeout(timer);
        reject(new LauncherError('Unavailable', 'LauncherUnavailable', `connecting to ${socketPath}: ${err.message}`, { cause: err }));
      });
      sock.once('connect', () => {
        clearTimeout(timer);
        resolve(new LauncherClient(sock, opts.callTimeoutMs ?? 60_000));
      });
    });
  }

  /** Calls one method; rejects with a LauncherError carrying the server's code and reason. */
  call<M extends LauncherMethod>(method: M, params: LauncherMethods[M]['params']): Promise<LauncherMethods[M]['result']> {
    if (this.closed) return Promise.reject(new LauncherError('Unavailable', 'LauncherUnavailable', 'connection closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = this.callTimeoutMs > 0
        ? setTimeout(() => {
          this.pending.delete(id);
          reject(new LauncherError('Unavailable', 'Timeout', `${method}: no reply within ${this.callTimeoutMs} ms`));
        }, this.callTimeoutMs)
        : undefined;
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.sock.write(encodeFrame({ id, method, params }));
    });
  }

  /** Subscribes to the launcher's events; returns the unsubscribe function. */
  onEvent(listener: (e: LauncherEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called once when the connection closes (launcher gone or close()). */
  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.add(listener);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Closes the connection; pending calls reject. */
  close(): void {
    this.sock.destroy();
  }

  private onLine(line: string): void {
    const frame = JSON.parse(line) as { id?: number; result?: unknown; error?: LauncherErrorBody; event?: LauncherEvent };
    if (frame.event) {
      for (const l of this.listeners) l(frame.event);
      return;
    }
    const p = frame.id === undefined ? undefined : this.pending.get(frame.id);
    if (!p || frame.id === undefined) return;
    this.pending.delete(frame.id);
    clearTimeout(p.timer);
    if (frame.error) p.reject(new LauncherError(frame.error.code, frame.error.reason, frame.error.message));
    else p.resolve(frame.result);
  }

  private handleClose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new LauncherError('Unavailable', 'LauncherUnavailable', 'connection closed'));
    }
    this.pending.clear();
    for (const l of this.closeListeners) l();
  }
}
