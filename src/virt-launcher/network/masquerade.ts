/**
 * Masquerade binding inside the pod's network namespace: bridge k6t-eth0 (10.0.2.1/24) with the
 * guest's tap, IP forwarding, an nftables table of our own (masquerade out of eth0, DNAT of the
 * pod IP to the guest 10.0.2.2) and the DHCP server. Commands run with argv arrays only.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import type { VirtualMachineInstance } from '../../api/kubevirt/index.js';
import type { InterfaceBackend } from '../converter/context.js';
import { ipBatch, run } from '../exec.js';
import { parseResolvConf } from './dhcp-codec.js';
import { startDhcpServer, type DhcpServer } from './dhcp-server.js';
import { noPodNetworkError } from './index.js';

export const BRIDGE = 'k6t-eth0';
export const TAP = 'tap0';
export const GATEWAY_IP = '10.0.2.1';
export const GUEST_IP = '10.0.2.2';
export const NFT_TABLE = 'kubevirt_ts';

/** The nftables ruleset for a pod IP; `ports` limits DNAT to the listed ports (all when empty). */
export function masqueradeRuleset(podIface: string, podIp: string, ports: readonly { port: number; protocol?: string }[]): string {
  const dnat = ports.length === 0
    ? [`iifname "${podIface}" ip daddr ${podIp} meta l4proto { tcp, udp } dnat ip to ${GUEST_IP}`]
    : (['TCP', 'UDP'] as const).flatMap((proto) => {
      const list = ports.filter((p) => (p.protocol ?? 'TCP').toUpperCase() === proto).map((p) => p.port);
      return list.length === 0 ? [] : [`iifname "${podIface}" ip daddr ${podIp} ${proto.toLowerCase()} dport { ${list.join(', ')} } dnat ip to ${GUEST_IP}`];
    });
  return [
    `table ip ${NFT_TABLE} {`,
    '  chain prerouting {',
    '    type nat hook prerouting priority dstnat; policy accept;',
    ...dnat.map((r) => `    ${r}`),
    '  }',
    '  chain postrouting {',
    '    type nat hook postrouting priority srcnat; policy accept;',
    `    ip saddr ${GUEST_IP} oifname "${podIface}" masquerade`,
    '  }',
    '}',
    '',
  ].join('\n');
}

function nft(script: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('nft', ['-f', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`nft: ${err.trim()}`))));
    p.stdin.end(script);
  });
}

/** The `ip` commands that make the guest's bridge (gateway address) and tap, in order. */
export function masqueradeLinkCommands(mtu: number): string[][] {
  return [
    ['link', 'add', BRIDGE, 'type', 'bridge'],
    ['addr', 'add', `${GATEWAY_IP}/24`, 'dev', BRIDGE],
    ['tuntap', 'add', 'dev', TAP, 'mode', 'tap'],
    ...[TAP, BRIDGE].map((dev) => ['link', 'set', 'dev', dev, 'mtu', String(mtu)]),
    ['link', 'set', 'dev', TAP, 'master', BRIDGE, 'up'],
    ['link', 'set', 'dev', BRIDGE, 'up'],
  ];
}

/** A unicast MAC under `prefix` (three octets; default QEMU's 52:54:00) with three random octets. */
export function randomMac(prefix = '52:54:00'): string {
  return [prefix, ...[...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

/** The pod interface's first IPv4 address and its MTU. */
async function podAddress(iface: string): Promise<{ ip: string; mtu: number }> {
  if (!existsSync(`/sys/class/net/${iface}`)) throw noPodNetworkError(`no interface ${iface} in this network namespace`);
  const out = JSON.parse(await run('ip', ['-j', '-4', 'addr', 'show', 'dev', iface])) as { mtu?: number; addr_info?: { local?: string }[] }[];
  const ip = out[0]?.addr_info?.[0]?.local;
  if (!ip) throw noPodNetworkError(`${iface} has no IPv4 address`);
  return { ip, mtu: out[0]?.mtu ?? 1500 };
}

/** The pod network of one launcher: setup() once, teardown() on exit. */
export class MasqueradeNetwork {
  private dhcp: DhcpServer | undefined;
  private created = false;

  constructor(private readonly podIface = 'eth0', private readonly log: (m: string) => void = () => undefined) {}

  /** Creates bridge, tap, NAT and DHCP for the VMI's one pod interface. */
  async setup(vmi: VirtualMachineInstance): Promise<Record<string, InterfaceBackend>> {
    const podNet = vmi.spec.networks?.find((n) => n.pod);
    const iface = vmi.spec.domain.devices.interfaces?.find((i) => i.name === podNet?.name);
    if (!iface) return {};
    if (!iface.masquerade) throw noPodNetworkError(`interface ${iface.name}: only the masquerade binding is implemented`);
    const { ip, mtu } = await podAddress(this.podIface);
    const mac = iface.macAddress ?? randomMac();
    try {
      this.created = true;
      await ipBatch(masqueradeLinkCommands(mtu));
      writeFileSync('/proc/sys/net/ipv4/ip_forward', '1');
      await nft(masqueradeRuleset(this.podIface, ip, iface.ports ?? []));
    } catch (err) {
      await this.teardown();
      if (err instanceof Error && /Operation not permitted|EACCES|EPERM/.test(err.message)) throw noPodNetworkError(err.message);
      throw err;
    }
    const resolv = existsSync('/etc/resolv.conf') ? parseResolvConf(readFileSync('/etc/resolv.conf', 'utf8')) : { dns: [], searchDomains: [] };
    this.dhcp = await startDhcpServer({
      clientMac: mac, clientIp: GUEST_IP, serverIp: GATEWAY_IP, subnetMask: '255.255.255.0', router: GATEWAY_IP,
      ...resolv, hostname: vmi.spec.hostname ?? vmi.metadata?.name ?? '', mtu, leaseSeconds: 86400,
    }, '10.0.2.255', this.log);
    this.log(`masquerade: pod ip ${ip}, guest ${GUEST_IP} mac ${mac}`);
    return { [iface.name]: { type: 'tap', tapDevice: TAP, mac, mtu } };
  }

  /** Removes what setup created (also on partial setups). */
  async teardown(): Promise<void> {
    await this.dhcp?.close();
    this.dhcp = undefined;
    if (!this.created) return;
    this.created = false;
    await nft(`delete table ip ${NFT_TABLE}\n`).catch(() => undefined);
    for (const dev of [TAP, BRIDGE]) await run('ip', ['link', 'del', 'dev', dev]).catch(() => undefined);
  }
}
