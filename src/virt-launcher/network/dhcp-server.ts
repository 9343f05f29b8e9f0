/**
 * A DHCP server for exactly one guest on the launcher's bridge (node dgram). Replies go to the
 * bridge subnet's broadcast address so they leave through the bridge before the guest has an IP.
 */
import { createSocket, type Socket } from 'node:dgram';
import { decodeDhcp, dhcpReply, encodeDhcp, type DhcpLease } from './dhcp-codec.js';

/** A running server; close() releases its port. */
export interface DhcpServer {
  close(): Promise<void>;
}

/** Serves `lease` on UDP 67, answering to `broadcast`:68. */
export async function startDhcpServer(lease: DhcpLease, broadcast: string, log: (m: string) => void = () => undefined): Promise<DhcpServer> {
  const sock: Socket = createSocket({ type: 'udp4', reuseAddr: true });
  sock.on('message', (msg) => {
    let reply;
    try {
      reply = dhcpReply(decodeDhcp(msg), lease);
    } catch (err) {
      log(`dhcp: dropping a malformed packet: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (reply) sock.send(encodeDhcp(reply), 68, broadcast);
  });
  sock.on('error', (err) => log(`dhcp: ${err.message}`));
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(67, '0.0.0.0', () => {
      sock.setBroadcast(true);
      resolve();
    });
  });
  return { close: () => new Promise<void>((resolve) => sock.close(() => resolve())) };
}
