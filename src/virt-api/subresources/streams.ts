/**
 * The websocket subresources: console and VNC (relayed to the VMI's node's virt-handler, which
 * streams the launcher's unix sockets) and port-forward (a TCP connection, or UDP datagrams, to
 * the VMI's pod IP, which masquerade NAT forwards to the guest). Subprotocol plain.kubevirt.io,
 * binary messages.
 * Errors found before the upgrade are answered as HTTP metav1.Status responses.
 */
import type { Socket as DatagramSocket } from 'node:dgram';
import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import type { VirtualMachineInstance } from '../../api/kubevirt/index.js';
import { StatusError, asStatusError, badRequest, internalError } from '../../api/meta/index.js';
import { admit, fetchVMI, type SubresourceDeps } from './app.js';
import { dialUdp, relayDatagrams, type DatagramDialer } from './datagrams.js';
import { vmConflict, vmiNotFound } from './errors.js';
import { PLAIN_SUBPROTOCOL } from './handler-client.js';
import { relaySocket, relayWebSockets } from '../../common/stream-relay.js';
import { parseRoute, type Route } from './routes.js';
import { fetchVM } from './vm-actions.js';
import { checkHandlerReachable, checkVMI, portForwardTarget } from './vmi-checks.js';

/** Dials a TCP port of a VMI's pod (injectable for tests). */
export type PodDialer = (host: string, port: number) => Promise<Socket>;

/** Dials with node's net.connect, resolving once connected. */
export const dialTcp: PodDialer = (host, port) =>
  new Promise((resolve, reject) => {
    const s = connect({ host, port });
    s.once('connect', () => {
      s.off('error', reject);
      resolve(s);
    });
    s.once('error', reject);
  });

/** Writes a metav1.Status as a raw HTTP response on an upgrade socket and closes it. */
export function writeStatus(socket: Duplex, err: StatusError): void {
  const body = JSON.stringify(err.toStatus());
  socket.end(`HTTP/1.1 ${err.code} ${err.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** The VMI behind a VM's port-forward: the VM must have created it, and own it. */
async function vmiOfVM(deps: SubresourceDeps, ns: string, name: string): Promise<VirtualMachineInstance> {
  const vm = await fetchVM(deps.client, ns, name);
  if (!vm.status?.created) throw vmConflict(name, 'VMI is not started');
  const vmi = await fetchVMI(deps.client, ns, name);
  if (!(vmi.metadata?.ownerReferences ?? []).some((r) => r.uid === vm.metadata?.uid)) {
    throw internalError(`unable to retrieve vmi [${name}] for vm`);
  }
  return vmi;
}

type Backend = { kind: 'ws'; ws: WebSocket } | { kind: 'tcp'; sock: Socket } | { kind: 'udp'; sock: DatagramSocket };

/** The pod dialers port-forward uses, per protocol. */
export interface PodDialers {
  readonly tcp: PodDialer;
  readonly udp: DatagramDialer;
}

async function dialPort(dial: PodDialers, protocol: string, ip: string, port: number): Promise<Backend> {
  if (protocol !== 'tcp' && protocol !== 'udp') throw badRequest(`protocol ${protocol} is not supported; use tcp or udp`);
  try {
    return protocol === 'udp' ? { kind: 'udp', sock: await dial.udp(ip, port) } : { kind: 'tcp', sock: await dial.tcp(ip, port) };
  } catch (e) {
    throw internalError(`dialing VM: dial ${protocol} ${ip}:${port}: ${e instanceof Error ? e.message : String(e)}`, e);
  }
}

async function openBackend(deps: SubresourceDeps, dial: PodDialers, route: Route & { kind: 'vm' | 'vmi' }): Promise<Backend> {
  const vmi = route.kind === 'vm' ? await vmiOfVM(deps, route.namespace, route.name) : await fetchVMI(deps.client, route.namespace, route.name);
  if (route.sub === 'portforward') {
    checkVMI(vmi, 'portforward');
    return dialPort(dial, route.protocol ?? 'tcp', portForwardTarget(vmi), route.port ?? 0);
  }
  if (route.kind === 'vmi' && (route.sub === 'console' || route.sub === 'vnc')) {
    checkVMI(vmi, route.sub);
    checkHandlerReachable(vmi);
    return { kind: 'ws', ws: await deps.handlers.dial(vmi, route.sub) };
  }
  throw vmiNotFound(route.name);
}

const isStream = (r: Route): r is Route & { kind: 'vm' | 'vmi' } =>
  (r.kind === 'vmi' && (r.sub === 'console' || r.sub === 'vnc' || r.sub === 'portforward')) || (r.kind === 'vm' && r.sub === 'portforward');

/** The 'upgrade' listener for subresource websockets; resolves nothing, answers every failure on the socket. */
export function subresourceUpgradeHandler(deps: SubresourceDeps, dialTcpPort: PodDialer = dialTcp, dialUdpPort: DatagramDialer = dialUdp): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  const dial: PodDialers = { tcp: dialTcpPort, udp: dialUdpPort };
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => (offered.has(PLAIN_SUBPROTOCOL) ? PLAIN_SUBPROTOCOL : false) });
  return (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    void (async () => {
      const route = parseRoute(req.method ?? 'GET', new URL(req.url ?? '/', 'https://virt-api').pathname);
      if (!isStream(route)) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
      await admit(deps, req, route);
      const backend = await openBackend(deps, dial, route);
      if (socket.destroyed) {
        if (backend.kind === 'ws') backend.ws.terminate();
        else if (backend.kind === 'udp') backend.sock.close();
        else backend.sock.destroy();
        return;
      }
      wss.handleUpgrade(req, socket, head, (client) => {
        const done = backend.kind === 'ws' ? relayWebSockets(client, backend.ws) : backend.kind === 'udp' ? relayDatagrams(client, backend.sock) : relaySocket(client, backend.sock);
        void done.then(() => deps.log?.(`${route.kind} ${route.namespace}/${route.name} ${route.sub}: stream closed`));
      });
    })().catch((err: unknown) => {
      const se = asStatusError(err);
      if (se.code >= 500) deps.log?.(`upgrade ${req.url ?? ''} failed`, err);
      if (!socket.destroyed) writeStatus(socket, se);
    });
  };
}
