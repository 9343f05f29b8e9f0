/**
 * UDP port-forward: one websocket per client, each binary message one datagram to the VMI's pod
 * IP and port (masquerade NAT forwards UDP to the guest too), each reply datagram one message
 * back. Closing either side closes the other.
 */
import { createSocket, type Socket } from 'node:dgram';
import WebSocket from 'ws';
import { closeSocket } from '../../common/stream-relay.js';

/** Opens a UDP socket connected to host:port (injectable for tests). */
export type DatagramDialer = (host: string, port: number) => Promise<Socket>;

/** A node dgram socket connected to host:port, IPv4 or IPv6 after the address. */
export const dialUdp: DatagramDialer = (host, port) =>
  new Promise((resolve, reject) => {
    const sock = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    sock.once('error', reject);
    sock.connect(port, host, () => {
      sock.off('error', reject);
      resolve(sock);
    });
  });

/** Relays websocket messages and datagrams until either side closes; resolves once both are. */
export function relayDatagrams(ws: WebSocket, sock: Socket): Promise<void> {
  let sockClosed = false;
  const closeSock = (): void => {
    if (sockClosed) return;
    sockClosed = true;
    sock.close();
  };
  ws.on('message', (data: WebSocket.RawData) => {
    if (sockClosed) return;
    const payload = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
    sock.send(payload);
  });
  sock.on('message', (msg: Buffer) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(msg, { binary: true });
  });
  const wsDone = new Promise<void>((r) => (ws.readyState === WebSocket.CLOSED ? r() : ws.once('close', () => r())));
  const sockDone = new Promise<void>((r) => sock.once('close', () => r()));
  ws.once('close', closeSock);
  ws.on('error', () => {
    ws.terminate();
    closeSock();
  });
  // A connected UDP socket reports the peer's ICMP "port unreachable" as ECONNREFUSED.
  sock.on('error', (e) => {
    closeSocket(ws, 1011, e.message);
    closeSock();
  });
  return Promise.all([wsDone, sockDone]).then(() => undefined);
}
