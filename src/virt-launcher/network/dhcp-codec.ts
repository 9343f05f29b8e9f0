/**
 * DHCPv4 packets (RFC 2131/2132): pure decode and encode, and the reply a one-client server
 * gives (OFFER for DISCOVER, ACK or NAK for REQUEST). No I/O here; dhcp-server.ts does that.
 */

export const DHCP_MAGIC_COOKIE = 0x63825363;
/** DHCP message types (option 53). */
export const DhcpMessageType = { DISCOVER: 1, OFFER: 2, REQUEST: 3, DECLINE: 4, ACK: 5, NAK: 6, RELEASE: 7, INFORM: 8 } as const;
/** Option codes used here. */
export const DhcpOption = {
  SUBNET_MASK: 1, ROUTER: 3, DNS: 6, HOSTNAME: 12, DOMAIN_NAME: 15, MTU: 26, BROADCAST: 28,
  REQUESTED_IP: 50, LEASE_TIME: 51, MESSAGE_TYPE: 53, SERVER_ID: 54, PARAM_LIST: 55, RENEWAL: 58,
  REBINDING: 59, CLIENT_ID: 61, DOMAIN_SEARCH: 119, CLASSLESS_ROUTES: 121, END: 255, PAD: 0,
} as const;

/** A decoded packet; options keep their raw bytes by code. */
export interface DhcpPacket {
  readonly op: 1 | 2;
  readonly xid: number;
  readonly secs: number;
  readonly flags: number;
  readonly ciaddr: string;
  readonly yiaddr: string;
  readonly siaddr: string;
  readonly giaddr: string;
  /** Client hardware address, lower-case colon form. */
  readonly chaddr: string;
  readonly options: ReadonlyMap<number, Buffer>;
}

const ipToBytes = (ip: string): number[] => {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new RangeError(`invalid IPv4 address ${JSON.stringify(ip)}`);
  return parts;
};
const bytesToIp = (b: Buffer, off: number): string => `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
const macToBytes = (mac: string): number[] => {
  const parts = mac.split(':').map((h) => parseInt(h, 16));
  if (parts.length !== 6 || parts.some((p) => Number.isNaN(p) || p < 0 || p > 255)) throw new RangeError(`invalid MAC address ${JSON.stringify(mac)}`);
  return parts;
};

/** Decodes a BOOTP/DHCP packet; throws RangeError on a truncated or non-DHCP buffer. */
export function decodeDhcp(buf: Buffer): DhcpPacket {
  if (buf.length < 240) throw new RangeError(`DHCP packet too short: ${buf.length} bytes`);
  if (buf.readUInt32BE(236) !== DHCP_MAGIC_COOKIE) throw new RangeError('not a DHCP packet: bad magic cookie');
  const op = buf[0];
  if (op !== 1 && op !== 2) throw new RangeError(`bad BOOTP op ${op}`);
  const hlen = buf[2] ?? 0;
  const options = new Map<number, Buffer>();
  let i = 240;
  while (i < buf.length) {
    const code = buf[i++] ?? DhcpOption.END;
    if (code === DhcpOption.PAD) continue;
    if (code === DhcpOption.END) break;
    const len = buf[i++];
    if (len === undefined || i + len > buf.length) throw new RangeError(`DHCP option ${code} overruns the packet`);
    const prev = options.get(code);
    const val = buf.subarray(i, i + len);
    options.set(code, prev ? Buffer.concat([prev, val]) : Buffer.from(val)); // RFC 3396 concatenation
    i += len;
  }
  return {
    op, xid: buf.readUInt32BE(4), secs: buf.readUInt16BE(8), flags: buf.readUInt16BE(10),
    ciaddr: bytesToIp(buf, 12), yiaddr: bytesToIp(buf, 16), siaddr: bytesToIp(buf, 20), giaddr: bytesToIp(buf, 24),
    chaddr: [...buf.subarray(28, 28 + Math.min(hlen, 16))].map((b) => b.toString(16).padStart(2, '0')).join(':'),
    options,
  };
}

/** Encodes a packet (Ethernet hardware type), padded to the 300-byte BOOTP minimum. */
export function encodeDhcp(p: DhcpPacket): Buffer {
  const opts: number[] = [];
  for (const [code, val] of p.options) {
    for (let off = 0; off < val.length || off === 0; off += 255) {
      const chunk = val.subarray(off, off + 255);
      opts.push(code, chunk.length, ...chunk);
      if (val.length === 0) break;
    }
  }
  opts.push(DhcpOption.END);
  const buf = Buffer.alloc(Math.max(300, 240 + opts.length));
  buf[0] = p.op;
  buf[1] = 1;
  buf[2] = 6;
  buf.writeUInt32BE(p.xid >>> 0, 4);
  buf.writeUInt16BE(p.secs, 8);
  buf.writeUInt16BE(p.flags, 10);
  Buffer.from(ipToBytes(p.ciaddr)).copy(buf, 12);
  Buffer.from(ipToBytes(p.yiaddr)).copy(buf, 16);
  Buffer.from(ipToBytes(p.siaddr)).copy(buf, 20);
  Buffer.from(ipToBytes(p.giaddr)).copy(buf, 24);
  Buffer.from(macToBytes(p.chaddr)).copy(buf, 28);
  buf.writeUInt32BE(DHCP_MAGIC_COOKIE, 236);
  Buffer.from(opts).copy(buf, 240);
  return buf;
}

/** Encodes a domain list as RFC 1035 names for option 119 (no compression). */
export function encodeDomainSearch(domains: readonly string[]): Buffer {
  const out: number[] = [];
  for (const d of domains) {
    for (const label of d.split('.').filter((l) => l.length > 0)) {
      if (label.length > 63) throw new RangeError(`search domain label too long: ${JSON.stringify(label)}`);
      out.push(label.length, ...Buffer.from(label, 'ascii'));
    }
    out.push(0);
  }
  return Buffer.from(out);
}

/** A route for option 121: destination CIDR (`0.0.0.0/0` for the default route) via a gateway. */
export interface DhcpRoute {
  readonly destination: string;
  readonly gateway: string;
}

/** Encodes routes as RFC 3442 classless static routes: prefix length, significant octets, gateway. */
export function encodeClasslessRoutes(routes: readonly DhcpRoute[]): Buffer {
  const out: number[] = [];
  for (const r of routes) {
    const [net = '', lenText = ''] = r.destination.split('/');
    const len = Number(lenText);
    if (!Number.isInteger(len) || len < 0 || len > 32) throw new RangeError(`invalid route destination ${JSON.stringify(r.destination)}`);
    out.push(len, ...ipToBytes(net).slice(0, Math.ceil(len / 8)), ...ipToBytes(r.gateway));
  }
  return Buffer.from(out);
}

/** The dotted subnet mask of a prefix length (24 -> 255.255.255.0). */
export function prefixToMask(prefix: number): string {
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw new RangeError(`invalid prefix length ${prefix}`);
  const n = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((s) => (n >>> s) & 0xff).join('.');
}

/** What the server hands out: one address to one client MAC. */
export interface DhcpLease {
  readonly clientMac: string;
  readonly clientIp: string;
  readonly serverIp: string;
  readonly subnetMask: string;
  readonly router?: string;
  readonly dns: readonly string[];
  readonly searchDomains: readonly string[];
  readonly hostname?: string;
  readonly mtu?: number;
  readonly leaseSeconds: number;
  /** Classless static routes (option 121), e.g. the pod's routes under the bridge binding. */
  readonly routes?: readonly DhcpRoute[];
}

const u32 = (n: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32BE(n >>> 0); return b; };
const u16 = (n: number): Buffer => { const b = Buffer.alloc(2); b.writeUInt16BE(n); return b; };
const ips = (list: readonly string[]): Buffer => Buffer.from(list.flatMap(ipToBytes));

/** The message type of a packet (option 53), or undefined for plain BOOTP. */
export function messageType(p: DhcpPacket): number | undefined {
  return p.options.get(DhcpOption.MESSAGE_TYPE)?.[0];
}

/**
 * The server's answer to a client packet, or null when it should stay silent (another MAC, a
 * reply, RELEASE/DECLINE/INFORM, or a REQUEST meant for another server).
 */
export function dhcpReply(req: DhcpPacket, lease: DhcpLease): DhcpPacket | null {
  if (req.op !== 1 || req.chaddr !== lease.clientMac.toLowerCase()) return null;
  const type = messageType(req);
  let replyType: number;
  if (type === DhcpMessageType.DISCOVER) replyType = DhcpMessageType.OFFER;
  else if (type === DhcpMessageType.REQUEST) {
    const serverId = req.options.get(DhcpOption.SERVER_ID);
    if (serverId && bytesToIp(serverId, 0) !== lease.serverIp) return null;
    const requested = req.options.get(DhcpOption.REQUESTED_IP);
    const wanted = requested && requested.length === 4 ? bytesToIp(requested, 0) : req.ciaddr;
    replyType = wanted === lease.clientIp ? DhcpMessageType.ACK : DhcpMessageType.NAK;
  } else return null;
  const options = new Map<number, Buffer>([[DhcpOption.MESSAGE_TYPE, Buffer.from([replyType])], [DhcpOption.SERVER_ID, ips([lease.serverIp])]]);
  if (replyType !== DhcpMessageType.NAK) {
    options.set(DhcpOption.LEASE_TIME, u32(lease.leaseSeconds));
    options.set(DhcpOption.RENEWAL, u32(Math.floor(lease.leaseSeconds / 2)));
    options.set(DhcpOption.REBINDING, u32(Math.floor((lease.leaseSeconds * 7) / 8)));
    options.set(DhcpOption.SUBNET_MASK, ips([lease.subnetMask]));
    if (lease.router) options.set(DhcpOption.ROUTER, ips([lease.router]));
    if (lease.dns.length > 0) options.set(DhcpOption.DNS, ips(lease.dns));
    const [firstDomain] = lease.searchDomains;
    if (firstDomain) {
      options.set(DhcpOption.DOMAIN_NAME, Buffer.from(firstDomain, 'ascii'));
      options.set(DhcpOption.DOMAIN_SEARCH, encodeDomainSearch(lease.searchDomains));
    }
    if (lease.hostname) options.set(DhcpOption.HOSTNAME, Buffer.from(lease.hostname, 'ascii'));
    if (lease.mtu) options.set(DhcpOption.MTU, u16(lease.mtu));
    if (lease.routes && lease.routes.length > 0) options.set(DhcpOption.CLASSLESS_ROUTES, encodeClasslessRoutes(lease.routes));
  }
  const nak = replyType === DhcpMessageType.NAK;
  return {
    op: 2, xid: req.xid, secs: 0, flags: req.flags, ciaddr: '0.0.0.0',
    yiaddr: nak ? '0.0.0.0' : lease.clientIp, siaddr: nak ? '0.0.0.0' : lease.serverIp, giaddr: req.giaddr,
    chaddr: req.chaddr, options,
  };
}

/** DNS servers and search domains from resolv.conf text (IPv4 servers only). */
export function parseResolvConf(text: string): { dns: string[]; searchDomains: string[] } {
  const dns: string[] = [];
  let searchDomains: string[] = [];
  for (const raw of text.split('\n')) {
    const [key, ...rest] = raw.replace(/[#;].*$/, '').trim().split(/\s+/);
    if (key === 'nameserver' && rest[0] && /^\d+\.\d+\.\d+\.\d+$/.test(rest[0])) dns.push(rest[0]);
    else if (key === 'search' || key === 'domain') searchDomains = rest.filter((d) => d.length > 0);
  }
  return { dns, searchDomains };
}
