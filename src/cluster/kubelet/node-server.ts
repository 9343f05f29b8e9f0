/**
 * The node agent's HTTPS endpoint (kubelet's port 10250): `GET /containerLogs/<ns>/<pod>/<container>`
 * and the `/exec/<ns>/<pod>/<container>` websocket, for the API server's pods/log and pods/exec
 * to proxy to. Only a client certificate from the cluster CA naming the API server is accepted.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { WebSocketServer } from 'ws';
import { killExec, resizeTty, startExec, type ContainerRuntime } from './exec.js';
import { chooseProtocol, serveExecSocket } from './exec-stream.js';
import { containerLogsHandler } from './log-handler.js';

/** The identity kube-apiserver presents to kubelets (kubeadm's apiserver-kubelet-client). */
export const API_SERVER_CLIENT_USER = 'kube-apiserver-kubelet-client';

export interface NodeServerOptions {
  readonly stateDir: string;
  /** Serving certificate and key, and the CA that signs accepted client certificates (PEM). */
  readonly tls: { readonly certPem: string; readonly keyPem: string; readonly caPem: string };
  readonly allowedUser?: string;
  readonly host?: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** The running container, or the message of why there is none. */
  readonly runtime: (ns: string, pod: string, container: string) => ContainerRuntime | string;
}

/** A listening node server. */
export interface RunningNodeServer {
  readonly port: number;
  close(): Promise<void>;
}

function peerUser(req: IncomingMessage): string | undefined {
  const sock = req.socket as TLSSocket;
  if (!sock.authorized) return undefined;
  const cn = sock.getPeerCertificate().subject?.CN;
  return Array.isArray(cn) ? cn[0] : cn;
}

function rejectSocket(socket: Duplex, code: number, reason: string, message: string): void {
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
  socket.end(`HTTP/1.1 ${code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

const truthy = (v: string | null): boolean => v === '1' || v === 'true';

/** Starts the server on 127.0.0.1 (by default) and resolves with its port. */
export async function startNodeServer(opts: NodeServerOptions): Promise<RunningNodeServer> {
  const allowed = opts.allowedUser ?? API_SERVER_CLIENT_USER;
  const logs = containerLogsHandler(opts.stateDir);
  const server: Server = createServer({ key: opts.tls.keyPem, cert: opts.tls.certPem, ca: [opts.tls.caPem], requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const user = peerUser(req);
    if (user !== allowed) {
      res.writeHead(403, { 'Content-Type': 'text/plain' }).end(`Forbidden (user=${user ?? 'system:anonymous'}, verb=${(req.method ?? 'get').toLowerCase()}, resource=nodes, subresource=proxy)`);
      return;
    }
    if (req.url === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
      return;
    }
    logs(req, res);
  });
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => chooseProtocol(offered) });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    const user = peerUser(req);
    if (user !== allowed) return rejectSocket(socket, 403, 'Forbidden', `Forbidden (user=${user ?? 'system:anonymous'}, verb=create, resource=nodes, subresource=proxy)`);
    const url = new URL(req.url ?? '/', 'https://node');
    const m = /^\/exec\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (!m) return rejectSocket(socket, 404, 'NotFound', `no upgradable endpoint at ${url.pathname}`);
    const [ns, pod, container] = [m[1], m[2], m[3]].map((s) => decodeURIComponent(s ?? '')) as [string, string, string];
    const command = url.searchParams.getAll('command');
    if (command.length === 0) return rejectSocket(socket, 400, 'BadRequest', 'you must specify at least 1 command');
    const offered = new Set(String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim()).filter(Boolean));
    const protocol = chooseProtocol(offered);
    if (!protocol) return rejectSocket(socket, 400, 'BadRequest', `none of the offered subprotocols [${[...offered].join(' ')}] is supported; use v5.channel.k8s.io or v4.channel.k8s.io`);
    const rt = opts.runtime(ns, pod, container);
    if (typeof rt === 'string') return rejectSocket(socket, 404, 'NotFound', rt);
    const tty = truthy(url.searchParams.get('tty'));
    const stdin = truthy(url.searchParams.get('input')) || truthy(url.searchParams.get('stdin'));
    wss.handleUpgrade(req, socket, head, (ws) => {
      const child = startExec(rt, { command, stdin, tty });
      serveExecSocket(ws, child, {
        protocol,
        onResize: tty ? (size) => void (child.pid ? resizeTty(child.pid, size) : undefined) : undefined,
        onAbandon: () => killExec(child),
      });
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
