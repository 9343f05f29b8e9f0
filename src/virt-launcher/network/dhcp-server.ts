/**
 * A DHCP server for exactly one guest on the launcher's bridge (node dgram). Replies are
 * broadcast so they reach the guest before it has an address: to the bridge subnet's broadcast
 * address (masquerade), or to 255.255.255.255 from a socket bound to the bridge's own address,
 * which makes the kernel send it out of that bridge (bridge binding, whose bridge holds a /32).
 */
import { createSocket, type Socket } from 'node:dgram';
import { decodeDhcp, dhcpReply, encodeDhcp, type DhcpLease } from './dhcp-codec.js';

/** A running server; close() releases its port. */
export interface DhcpServer {
  close(): Promise<void>;
}

function bind(sock: Socket, address: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(67, address, () => {
      sock.off('error', reject);
      sock.setBroadcast(true);
      resolve();
    });
  });
}

const close = (s: Socket): Promise<void> => new Promise<void>((resolve) => s.close(() => resolve()));

/**
 * Serves `lease` on UDP 67, answering to `broadcast`:68; with `sendFrom`, replies leave from a
 * second socket bound to that local address (see the header).
 */
export async function startDhcpServer(
  lease: DhcpLease, broadcast: string, log: (m: string) => void = () => undefined, opts: { sendFrom?: string } = {},
): Promise<DhcpServer> {
  const sockets: Socket[] = [];
  try {
    const listen = createSocket({ type: 'udp4', reuseAddr: true });
    sockets.push(listen);
    await bind(listen, '0.0.0.0');
    let sender = listen;
    if (opts.sendFrom) {
      sender = createSocket({ type: 'udp4', reuseAddr: true });
      sockets.push(sender);
      await bind(sender, opts.sendFrom);
    }
    const onMessage = (msg: Buffer): void => {
      let reply;
      try {
        reply = dhcpReply(decodeDhcp(msg), lease);
      } catch (err) {
        log(`dhcp: dropping a malformed packet: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
      if (reply) sender.send(encodeDhcp(reply), 68, broadcast);
    };
    for (const s of sockets) {
      s.on('message', onMessage);
      s.on('error', (err) => log(`dhcp: ${err.message}`));
    }
  } catch (err) {
    await Promise.all(sockets.map(close));
    throw err;
  }
  return { close: async () => { await Promise.all(sockets.map(close)); } };
}
