/** The launcher's end of the contract: serves LauncherMethods on a unix socket and pushes events. */
import { createServer, type Server, type Socket } from 'node:net';
import { renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  encodeFrame, LAUNCHER_METHODS, LauncherError, LineSplitter,
  type LauncherEvent, type LauncherMethod, type OptionalLauncherMethod, type LauncherMethods,
} from './protocol.js';

/** One implementation per method; params are as the client sent them (validate what you use). */
export type LauncherHandlers = {
  [M in Exclude<LauncherMethod, OptionalLauncherMethod>]: (params: LauncherMethods[M]['params']) => Promise<LauncherMethods[M]['result']>;
} & {
  [M in OptionalLauncherMethod]?: (params: LauncherMethods[M]['params']) => Promise<LauncherMethods[M]['result']>;
};

/**
 * A staging name beside `socketPath` no longer than it (unix socket paths are bounded), or
 * undefined when its name is too short to have one.
 */
export function stagingPath(socketPath: string): string | undefined {
  const name = `.${process.pid}`;
  return name.length < basename(socketPath).length ? join(dirname(socketPath), name) : undefined;
}

/** A listening launcher-rpc server. */
export class LauncherServer {
  private readonly clients = new Set<Socket>();
  private constructor(private readonly server: Server, readonly socketPath: string, private readonly handlers: LauncherHandlers) {}

  /**
   * Listens on socketPath (replacing a stale socket file). The socket is bound and listening under
   * a staging name first and then renamed into place, so a client woken by the path's creation
   * (virt-handler watches the directory) never dials a socket that is bound but not yet listening.
   */
  static async listen(socketPath: string, handlers: LauncherHandlers): Promise<LauncherServer> {
    rmSync(socketPath, { force: true });
    const staging = stagingPath(socketPath);
    if (staging) rmSync(staging, { force: true });
    const holder: { self?: LauncherServer } = {};
    const server = createServer((sock) => holder.self?.accept(sock));
    const self = new LauncherServer(server, socketPath, handlers);
    holder.self = self;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(staging ?? socketPath, () => resolve());
    });
    if (staging) renameSync(staging, socketPath);
    return self;
  }

  /** Sends an event to every connected client. */
  broadcast(event: LauncherEvent): void {
    const line = encodeFrame({ event });
    for (const c of this.clients) if (!c.destroyed) c.write(line);
  }

  /** Number of connected clients. */
  get clientCount(): number {
    return this.clients.size;
  }

  /** Stops listening, drops clients and removes the socket file. */
  async close(): Promise<void> {
    for (const c of this.clients) c.end();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const c of this.clients) c.destroySoon();
    await closed;
    rmSync(this.socketPath, { force: true });
  }

  private accept(sock: Socket): void {
    this.clients.add(sock);
    sock.setEncoding('utf8');
    const splitter = new LineSplitter();
    sock.on('close', () => this.clients.delete(sock));
    sock.on('error', () => sock.destroy());
    sock.on('data', (chunk: string) => {
      let lines: string[];
      try {
        lines = splitter.push(chunk);
      } catch {
        sock.destroy();
        return;
      }
      for (const line of lines) void this.dispatch(sock, line);
    });
  }

  private async dispatch(sock: Socket, line: string): Promise<void> {
    let id = 0;
    try {
      const frame: unknown = JSON.parse(line);
      if (typeof frame !== 'object' || frame === null) throw new LauncherError('BadRequest', 'BadRequest', 'request is not an object');
      const { id: rawId, method, params } = frame as Record<string, unknown>;
      if (typeof rawId !== 'number' || !Number.isInteger(rawId)) throw new LauncherError('BadRequest', 'BadRequest', 'request id must be an integer');
      id = rawId;
      if (typeof method !== 'string' || !(LAUNCHER_METHODS as readonly string[]).includes(method)) {
        throw new LauncherError('UnknownMethod', 'UnknownMethod', `unknown method ${JSON.stringify(method)}`);
      }
      const handler = this.handlers[method as LauncherMethod] as ((p: unknown) => Promise<unknown>) | undefined;
      if (!handler) throw new LauncherError('UnknownMethod', 'UnknownMethod', `method ${method} is not implemented by this launcher`);
      const result = await handler(params ?? {});
      if (!sock.destroyed) sock.write(encodeFrame({ id, result: result ?? null }));
    } catch (err) {
      const e = err instanceof LauncherError ? err : new LauncherError('Internal', 'InternalError', err instanceof Error ? err.message : String(err));
      if (!sock.destroyed) sock.write(encodeFrame({ id, error: e.toBody() }));
    }
  }
}
