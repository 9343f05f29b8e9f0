/**
 * virt-handler's console server (upstream's port 8186): HTTPS that only virt-api may call
 * (client certificate from the KubeVirt CA with an allowed CN). Streams the launcher's serial
 * console and VNC unix sockets over websockets (subprotocol plain.kubevirt.io, one session per
 * VMI and kind), and forwards lifecycle, guest-agent and screenshot calls to the launcher.
 */
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import WebSocket, { WebSocketServer } from 'ws';
import { StatusError, asStatusError, forbiddenError, type KubeObject } from '../../api/meta/index.js';
import { LauncherError, type LauncherClient } from '../../launcher-rpc/index.js';
import { closeSocket, relaySocket } from '../../common/stream-relay.js';
import { SessionTable } from './sessions.js';
import { streamSocket, type LocatedVMI, type VMILocator } from './vmi-locator.js';

/** TLS of the console server. */
export interface ConsoleServerTls {
  readonly certPem: string;
  readonly keyPem: string;
  /** CA that signs the clients' (virt-api's) certificates. */
  readonly clientCaPem: string;
  /** CNs allowed to call (default: virt-api's). */
  readonly allowedClientNames?: readonly string[];
}

/** What the console server needs. */
export interface ConsoleServerOptions {
  readonly tls: ConsoleServerTls;
  readonly locate: VMILocator;
  readonly log?: (msg: string) => void;
}

const ACTIONS = { pause: 'pause', unpause: 'unpause', softreboot: 'softReboot', reset: 'reset' } as const;
const PATH_RE = /^\/v1\/namespaces\/([^/]+)\/virtualmachineinstances\/([^/]+)\/(console|vnc|vnc\/screenshot|pause|unpause|softreboot|reset|guestosinfo|userlist|filesystemlist)$/;

/** The CN virt-api's client certificate carries. */
export const VIRT_API_CLIENT_NAME = 'kubevirt.io:system:client:virt-api';

function parsePath(url: string | undefined): { ns: string; name: string; sub: string } | undefined {
  const m = PATH_RE.exec(new URL(url ?? '/', 'https://virt-handler').pathname);
  if (!m) return undefined;
  try {
    return { ns: decodeURIComponent(m[1] ?? ''), name: decodeURIComponent(m[2] ?? ''), sub: m[3] ?? '' };
  } catch {
    return undefined;
  }
}

function allowedClient(req: IncomingMessage, names: readonly string[]): boolean {
  const socket = req.socket;
  if (!(socket instanceof TLSSocket) || !socket.authorized) return false;
  const raw = socket.getPeerCertificate()?.raw;
  if (!raw) return false;
  const cn = new X509Certificate(raw).subject.split('\n').find((l) => l.startsWith('CN='))?.slice(3);
  return cn !== undefined && names.includes(cn);
}

function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

const launcherStatus = (e: unknown): StatusError =>
  e instanceof LauncherError ? new StatusError(e.code === 'NoDomain' ? 404 : e.code === 'BadRequest' ? 400 : 500, e.code === 'NoDomain' ? 'NotFound' : 'InternalError', e.message) : asStatusError(e);

async function withLauncher<T>(located: LocatedVMI, fn: (c: LauncherClient) => Promise<T>): Promise<T> {
  const c = await located.connect().catch((e: unknown) => Promise.reject(launcherStatus(e)));
  try {
    return await fn(c).catch((e: unknown) => Promise.reject(launcherStatus(e)));
  } finally {
    c.close();
  }
}

/** Upstream's VirtualMachineInstanceGuestAgentInfo from what the launcher knows. */
function guestAgentInfo(info: { hostname?: string; os?: Readonly<Record<string, string>> }): KubeObject {
  const os = info.os ?? {};
  return {
    apiVersion: 'v1', kind: 'VirtualMachineInstanceGuestAgentInfo', metadata: {},
    hostname: info.hostname ?? '',
    os: { name: os.name ?? '', kernelRelease: os['kernel-release'] ?? '', version: os.version ?? '', prettyName: os['pretty-name'] ?? '', versionId: os['version-id'] ?? '', kernelVersion: os['kernel-version'] ?? '', machine: os.machine ?? '', id: os.id ?? '' },
  };
}

async function serveRequest(o: ConsoleServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const p = parsePath(req.url);
  if (!p || p.sub === 'console' || p.sub === 'vnc') throw new StatusError(404, 'NotFound', `no handler for ${req.url ?? ''}`);
  const located = await o.locate(p.ns, p.name);
  if (p.sub in ACTIONS) {
    if (req.method !== 'PUT') throw new StatusError(405, 'MethodNotAllowed', `${req.method ?? ''} is not allowed`);
    await withLauncher(located, (c) => c.call(ACTIONS[p.sub as keyof typeof ACTIONS], {}));
    return sendJson(res, 200, {});
  }
  if (req.method !== 'GET') throw new StatusError(405, 'MethodNotAllowed', `${req.method ?? ''} is not allowed`);
  if (p.sub === 'vnc/screenshot') {
    const shot = await withLauncher(located, (c) => c.call('screenshot', {}));
    const png = Buffer.from(shot.data, 'base64');
    res.writeHead(200, { 'Content-Type': shot.mimeType, 'Content-Length': png.length });
    res.end(png);
    return;
  }
  const info = await withLauncher(located, (c) => c.call('getGuestInfo', {}));
  if (!info.agentConnected) throw new StatusError(500, 'InternalError', 'VMI does not have guest agent connected');
  if (p.sub === 'guestosinfo') return sendJson(res, 200, guestAgentInfo(info));
  return sendJson(res, 200, { metadata: {}, items: [] });
}

function dialUnix(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(path);
    s.once('connect', () => {
      s.off('error', reject);
      resolve(s);
    });
    s.once('error', reject);
  });
}

/** A started console server. */
export interface RunningConsoleServer {
  readonly port: number;
  /** Open stream sessions. */
  readonly sessions: SessionTable;
  close(): Promise<void>;
}

/** Streams one console/VNC session after the upgrade; the previous session of the VMI is closed first. */
async function stream(o: ConsoleServerOptions, sessions: SessionTable, ws: WebSocket, located: LocatedVMI, kind: 'console' | 'vnc'): Promise<void> {
  let sock: Socket | undefined;
  const closed = new Promise<void>((r) => ws.once('close', () => r()));
  const release = await sessions.take(`${located.vmi.metadata?.uid ?? ''}/${kind}`, async () => {
    closeSocket(ws, 1000, `a new ${kind} connection was opened`);
    sock?.destroy();
    await closed;
  });
  try {
    sock = await dialUnix(streamSocket(located.privateDir, kind));
  } catch (e) {
    closeSocket(ws, 1011, `cannot connect to the ${kind}: ${e instanceof Error ? e.message : String(e)}`);
    release();
    return;
  }
  if (ws.readyState !== WebSocket.OPEN) sock.destroy();
  await relaySocket(ws, sock);
  release();
  o.log?.(`${kind} of ${located.vmi.metadata?.namespace ?? ''}/${located.vmi.metadata?.name ?? ''} closed`);
}

function writeStatus(socket: Duplex, err: StatusError): void {
  const body = JSON.stringify(err.toStatus());
  socket.end(`HTTP/1.1 ${err.code} ${err.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** Starts the console server on host:port (0 picks a port). */
export async function startConsoleServer(o: ConsoleServerOptions, host: string, port: number): Promise<RunningConsoleServer> {
  const names = o.tls.allowedClientNames ?? [VIRT_API_CLIENT_NAME];
  const sessions = new SessionTable();
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (p) => (p.has('plain.kubevirt.io') ? 'plain.kubevirt.io' : false) });
  const server = https.createServer({ cert: o.tls.certPem, key: o.tls.keyPem, ca: o.tls.clientCaPem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    if (!allowedClient(req, names)) {
      const se = forbiddenError('client certificate not allowed');
      return sendJson(res, se.code, se.toStatus());
    }
    serveRequest(o, req, res).catch((e: unknown) => {
      const se = asStatusError(e);
      if (!res.headersSent) sendJson(res, se.code, se.toStatus());
      else res.destroy();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    void (async () => {
      if (!allowedClient(req, names)) throw forbiddenError('client certificate not allowed');
      const p = parsePath(req.url);
      if (!p || (p.sub !== 'console' && p.sub !== 'vnc')) throw new StatusError(404, 'NotFound', `no stream at ${req.url ?? ''}`);
      const located = await o.locate(p.ns, p.name);
      const kind = p.sub;
      wss.handleUpgrade(req, socket, head, (ws) => void stream(o, sessions, ws, located, kind));
    })().catch((e: unknown) => {
      if (!socket.destroyed) writeStatus(socket, asStatusError(e));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    sessions,
    async close() {
      await sessions.closeAll();
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
    },
  };
}
