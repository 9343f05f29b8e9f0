/**
 * Bridge binding on the pod network, as upstream does it: the pod's IP and MAC move to the guest.
 * eth0 is renamed eth0-nic, loses its addresses, takes a new MAC and becomes a port (learning off)
 * of bridge k6t-eth0 together with the guest's tap0; a dummy `eth0` keeps the pod's MAC and IP so
 * the pod still shows them; the bridge holds only 169.254.75.10/32, from which the launcher's DHCP
 * server hands the guest the pod's original IP, gateway, routes, DNS and hostname.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Interface, VirtualMachineInstance } from '../../api/kubevirt/index.js';
import type { InterfaceBackend } from '../converter/context.js';
import { run } from '../exec.js';
import { parseResolvConf, prefixToMask, type DhcpLease, type DhcpRoute } from './dhcp-codec.js';
import { startDhcpServer, type DhcpServer } from './dhcp-server.js';
import { noPodNetworkError } from './index.js';
import { randomMac } from './masquerade.js';

export const BRIDGE = 'k6t-eth0';
export const TAP = 'tap0';
/** The bridge's link-local address, the DHCP server's identity (upstream 169.254.75.1<index>). */
export const BRIDGE_FAKE_IP = '169.254.75.10';

/** What the pod interface looked like before the launcher touched it. */
export interface PodInterfaceState {
  readonly name: string;
  readonly mac: string;
  readonly mtu: number;
  readonly ip: string;
  readonly prefix: number;
  /** IPv4 routes through the interface: destination (`default` or CIDR), gateway when any. */
  readonly routes: readonly { readonly dst: string; readonly gateway?: string }[];
}

interface IpAddrJson { address?: string; mtu?: number; addr_info?: { family?: string; local?: string; prefixlen?: number }[] }
interface IpRouteJson { dst?: string; gateway?: string }

/** Parses `ip -j addr show dev X` and `ip -j -4 route show dev X` into the interface's state. */
export function parsePodInterface(name: string, addrJson: string, routeJson: string): PodInterfaceState {
  const link = (JSON.parse(addrJson) as IpAddrJson[])[0];
  const v4 = link?.addr_info?.find((a) => a.family === 'inet' && a.local);
  if (!link || !v4?.local || v4.prefixlen === undefined) throw noPodNetworkError(`${name} has no IPv4 address`);
  const routes = (JSON.parse(routeJson) as IpRouteJson[])
    .filter((r) => typeof r.dst === 'string')
    .map((r) => ({ dst: r.dst!, ...(r.gateway ? { gateway: r.gateway } : {}) }));
  return { name, mac: link.address ?? '', mtu: link.mtu ?? 1500, ip: v4.local, prefix: v4.prefixlen, routes };
}

const ipToInt = (ip: string): number => ip.split('.').reduce((n, o) => ((n << 8) | Number(o)) >>> 0, 0);

/** True when `cidr` contains `ip` (the on-link subnet route of the pod address). */
function contains(cidr: string, ip: string): boolean {
  const [net = '', len = '32'] = cidr.split('/');
  const bits = Number(len);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return ((ipToInt(net) & mask) >>> 0) === ((ipToInt(ip) & mask) >>> 0);
}

/**
 * The guest's lease under the bridge binding: the pod's address and prefix, the MAC the VMI asks
 * for or else the pod's, the first gateway as router, and every non-local route as option 121.
 */
export function bridgeLease(pod: PodInterfaceState, iface: Interface, vmi: VirtualMachineInstance, resolv: { dns: string[]; searchDomains: string[] }): DhcpLease {
  const gateway = pod.routes.find((r) => r.gateway)?.gateway;
  const routes: DhcpRoute[] = pod.routes
    .filter((r) => r.gateway && (r.dst === 'default' || !contains(r.dst, pod.ip)))
    .map((r) => ({ destination: r.dst === 'default' ? '0.0.0.0/0' : r.dst, gateway: r.gateway! }));
  return {
    clientMac: (iface.macAddress ?? pod.mac).replaceAll('-', ':').toLowerCase(), clientIp: pod.ip, serverIp: BRIDGE_FAKE_IP,
    subnetMask: prefixToMask(pod.prefix), ...(gateway ? { router: gateway } : {}), ...resolv,
    hostname: vmi.spec.hostname ?? vmi.metadata?.name ?? '', mtu: pod.mtu, leaseSeconds: 86400, ...(routes.length > 0 ? { routes } : {}),
  };
}

/** The `ip` commands (argv after `ip`) that build the binding from the pod interface's state. */
export function bridgeSetupCommands(pod: PodInterfaceState, portMac: string): string[][] {
  const nic = `${pod.name}-nic`;
  const mtu = String(pod.mtu);
  return [
    ['link', 'set', 'dev', pod.name, 'down'],
    ['link', 'set', 'dev', pod.name, 'name', nic],
    ['addr', 'flush', 'dev', nic],
    ['link', 'set', 'dev', nic, 'address', portMac],
    ['link', 'add', BRIDGE, 'type', 'bridge'],
    ['link', 'set', 'dev', BRIDGE, 'address', portMac, 'mtu', mtu],
    ['addr', 'add', `${BRIDGE_FAKE_IP}/32`, 'dev', BRIDGE],
    ['link', 'set', 'dev', nic, 'master', BRIDGE],
    ['link', 'set', 'dev', nic, 'type', 'bridge_slave', 'learning', 'off'],
    ['tuntap', 'add', 'dev', TAP, 'mode', 'tap'],
    ['link', 'set', 'dev', TAP, 'mtu', mtu, 'master', BRIDGE, 'up'],
    ['link', 'set', 'dev', nic, 'up'],
    ['link', 'set', 'dev', BRIDGE, 'up'],
  ];
}

/** The dummy `eth0` keeping the pod's MAC and IP visible in the pod (skipped where the kernel lacks dummy links). */
export function dummyCommands(pod: PodInterfaceState): string[][] {
  return [
    ['link', 'add', pod.name, 'type', 'dummy'],
    ['link', 'set', 'dev', pod.name, 'address', pod.mac, 'mtu', String(pod.mtu)],
    ['addr', 'add', `${pod.ip}/${pod.prefix}`, 'dev', pod.name],
    ['link', 'set', 'dev', pod.name, 'up'],
  ];
}

/** The `ip` commands that give the pod interface back its name, MAC, address and routes. */
export function bridgeTeardownCommands(pod: PodInterfaceState): string[][] {
  const nic = `${pod.name}-nic`;
  return [
    ['link', 'del', 'dev', TAP],
    ['link', 'del', 'dev', BRIDGE],
    ['link', 'del', 'dev', pod.name, 'type', 'dummy'],
    ['link', 'set', 'dev', nic, 'down'],
    ['link', 'set', 'dev', nic, 'name', pod.name],
    ['link', 'set', 'dev', pod.name, 'address', pod.mac],
    ['addr', 'add', `${pod.ip}/${pod.prefix}`, 'dev', pod.name],
    ['link', 'set', 'dev', pod.name, 'up'],
    ...pod.routes.filter((r) => r.gateway).map((r) => ['route', 'replace', r.dst, 'via', r.gateway!, 'dev', pod.name]),
  ];
}

/** The bridge binding of one launcher: setup() once, teardown() on exit. */
export class BridgeNetwork {
  private dhcp: DhcpServer | undefined;
  private pod: PodInterfaceState | undefined;

  constructor(private readonly podIface = 'eth0', private readonly log: (m: string) => void = () => undefined) {}

  /** Moves the pod's address to the guest behind `iface` and starts the DHCP server. */
  async setup(vmi: VirtualMachineInstance, iface: Interface): Promise<Record<string, InterfaceBackend>> {
    if (!existsSync(`/sys/class/net/${this.podIface}`)) throw noPodNetworkError(`no interface ${this.podIface} in this network namespace`);
    const pod = parsePodInterface(
      this.podIface,
      await run('ip', ['-j', 'addr', 'show', 'dev', this.podIface]),
      await run('ip', ['-j', '-4', 'route', 'show', 'dev', this.podIface]),
    );
    const resolv = existsSync('/etc/resolv.conf') ? parseResolvConf(readFileSync('/etc/resolv.conf', 'utf8')) : { dns: [], searchDomains: [] };
    const lease = bridgeLease(pod, iface, vmi, resolv);
    this.pod = pod;
    try {
      for (const args of bridgeSetupCommands(pod, randomMac('02:00:00'))) await run('ip', args);
      await this.addDummy(pod);
      // Only the guest answers ARP for the pod IP: the dummy eth0 holding it stays silent on the bridge.
      writeFileSync('/proc/sys/net/ipv4/conf/all/arp_ignore', '1');
      this.dhcp = await startDhcpServer(lease, '255.255.255.255', this.log, { sendFrom: BRIDGE_FAKE_IP });
    } catch (err) {
      await this.teardown();
      if (err instanceof Error && /Operation not permitted|EACCES|EPERM/.test(err.message)) throw noPodNetworkError(err.message);
      throw err;
    }
    this.log(`bridge: guest takes pod ip ${pod.ip}/${pod.prefix} mac ${lease.clientMac}`);
    return { [iface.name]: { type: 'tap', tapDevice: TAP, mac: lease.clientMac, mtu: pod.mtu } };
  }

  private async addDummy(pod: PodInterfaceState): Promise<void> {
    const [add, ...rest] = dummyCommands(pod);
    try {
      await run('ip', add ?? []);
    } catch (err) {
      if (!(err instanceof Error && /Unknown device type|not supported/i.test(err.message))) throw err;
      this.log('bridge: this kernel has no dummy links; the pod IP is held by the guest only');
      return;
    }
    for (const args of rest) await run('ip', args);
  }

  /** Stops DHCP and restores the pod interface (best effort; also after a partial setup). */
  async teardown(): Promise<void> {
    await this.dhcp?.close();
    this.dhcp = undefined;
    const pod = this.pod;
    if (!pod) return;
    this.pod = undefined;
    if (!existsSync(`/sys/class/net/${pod.name}-nic`)) {
      for (const dev of [TAP, BRIDGE]) await run('ip', ['link', 'del', 'dev', dev]).catch(() => undefined);
      return;
    }
    for (const args of bridgeTeardownCommands(pod)) await run('ip', args).catch((e: unknown) => this.log(`bridge teardown: ${String(e)}`));
  }
}
