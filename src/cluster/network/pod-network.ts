// One node's pod network: a host bridge kvts-brN with 10.244.N.1/24, and per pod a network
// namespace, a veth pair (host end on the bridge, `eth0` inside with an IPAM address, lo up, a
// default route via the bridge), outbound NAT through nftables and IPv4 forwarding so pods
// reach each other across the node bridges of this host. Everything through `ip`/`nft` argv
// (a pod's setup as two `ip -batch` runs rather than one `ip` per step).
import { access, mkdir, readFile, readdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { join } from 'node:path';
import { CommandError, run } from './exec.js';
import { Ipam } from './ipam.js';
import { ANY_BRIDGE, clusterNet, nftRuleset, nodeNet, podNames, type NodeNet } from './names.js';
import { podResolvConf } from './resolv.js';

/** Options of PodNetwork. */
export interface PodNetworkOptions {
  /** Node name (for messages). */
  readonly node: string;
  /** Node index N: bridge kvts-brN, pod CIDR 10.244.N.0/24. */
  readonly index: number;
  /** The cluster's network slot (see acquireNetworkSlot); 0 when omitted. */
  readonly slot?: number;
  /** Directory for this node's network state (IPAM). */
  readonly stateDir: string;
}

/** What a pod sandbox gets. */
export interface PodNetworkResult {
  readonly netnsPath: string;
  readonly ip: string;
  /** The resolv.conf to bind into the pod. */
  readonly resolvConf: string;
  readonly gateway: string;
}

const IP = '/usr/sbin/ip';
const NFT = '/usr/sbin/nft';
const NETNS_DIR = '/run/netns';
const IP_FORWARD = '/proc/sys/net/ipv4/ip_forward';
/** Host-wide record of ip_forward before the first node bridge came up, restored by the last cleanup. */
const FORWARD_ORIG = '/run/kubevirt-ts/ip_forward.orig';

async function present(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function linkExists(name: string): Promise<boolean> {
  return present(`/sys/class/net/${name}`);
}

/** The `ip -batch` scripts setting up one pod: on the host (namespace, veth pair onto the bridge;
 *  what exists is kept) and inside the pod's namespace (lo, eth0's address, default route). */
export function podSetupBatches(
  p: { readonly netns: string; readonly hostVeth: string; readonly bridge: string; readonly ip: string; readonly gateway: string },
  have: { readonly netns: boolean; readonly veth: boolean },
): { host: string; pod: string } {
  const host = [
    ...(have.netns ? [] : [`netns add ${p.netns}`]),
    ...(have.veth ? [] : [`link add ${p.hostVeth} type veth peer name eth0 netns ${p.netns}`]),
    `link set ${p.hostVeth} master ${p.bridge} up`,
  ];
  const pod = ['link set lo up', `addr replace ${p.ip}/24 dev eth0`, 'link set eth0 up', `route replace default via ${p.gateway} dev eth0`];
  return { host: `${host.join('\n')}\n`, pod: `${pod.join('\n')}\n` };
}

/** The `ip -batch` script removing what is left of a pod's veth and namespace ('' for nothing). */
export function podTeardownBatch(p: { readonly netns: string; readonly hostVeth: string }, have: { readonly netns: boolean; readonly veth: boolean }): string {
  const lines = [...(have.veth ? [`link del ${p.hostVeth}`] : []), ...(have.netns ? [`netns del ${p.netns}`] : [])];
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** Sets up and tears down pod network namespaces for one node. */
export class PodNetwork {
  private readonly net: NodeNet;
  private readonly ipam: Ipam;
  private lock: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: PodNetworkOptions) {
    this.net = nodeNet(opts.index, opts.slot ?? 0);
    this.ipam = new Ipam(join(opts.stateDir, 'ipam.json'), this.net.prefix);
  }

  /** Creates the bridge (idempotent), enables forwarding and installs the NAT table. */
  async init(): Promise<void> {
    const { bridge, gateway } = this.net;
    if (!(await linkExists(bridge))) await run(IP, ['link', 'add', 'name', bridge, 'type', 'bridge']);
    await run(IP, ['addr', 'replace', `${gateway}/24`, 'dev', bridge]);
    await run(IP, ['link', 'set', bridge, 'up']);
    if (!(await present(FORWARD_ORIG))) {
      await mkdir(dirname(FORWARD_ORIG), { recursive: true });
      await writeFile(FORWARD_ORIG, (await readFile(IP_FORWARD, 'utf8')).trim());
    }
    await writeFile(IP_FORWARD, '1');
    await run(NFT, ['-f', '-'], nftRuleset(this.opts.slot ?? 0));
  }

  /** Gives the pod its namespace, veth and address; calling it again for a set-up pod returns
   *  the same result (so a restarted node agent re-adopts its pods). */
  async setup(podUid: string): Promise<PodNetworkResult> {
    return this.serial(async () => {
      const { netns, hostVeth } = podNames(podUid);
      const ip = await this.ipam.allocate(podUid);
      try {
        const have = { netns: await present(join(NETNS_DIR, netns)), veth: await linkExists(hostVeth) };
        const batches = podSetupBatches({ netns, hostVeth, bridge: this.net.bridge, ip, gateway: this.net.gateway }, have);
        await run(IP, ['-batch', '-'], batches.host);
        await run(IP, ['-n', netns, '-batch', '-'], batches.pod);
      } catch (e) {
        await this.remove(podUid).catch(() => undefined);
        throw e;
      }
      return { netnsPath: join(NETNS_DIR, netns), ip, resolvConf: await podResolvConf(), gateway: this.net.gateway };
    });
  }

  /** Removes the pod's veth, namespace and address (idempotent). */
  async teardown(podUid: string): Promise<void> {
    return this.serial(() => this.remove(podUid));
  }

  /** Removes every pod namespace of this node and its bridge; once no other bridge of this
   *  cluster is left, its NAT table, and after the host's last cluster the ip_forward change. */
  async cleanupAll(): Promise<void> {
    await this.serial(async () => {
      for (const uid of Object.keys(await this.ipam.load())) await this.remove(uid);
      if (await linkExists(this.net.bridge)) await run(IP, ['link', 'del', this.net.bridge]);
      const cluster = clusterNet(this.opts.slot ?? 0);
      const bridges = (await readdir('/sys/class/net')).filter((n) => ANY_BRIDGE.test(n));
      if (bridges.some((n) => n.startsWith(cluster.bridgePrefix))) return;
      await run(NFT, ['delete', 'table', 'ip', cluster.table]).catch(ignoreMissing);
      if (bridges.length > 0) return;
      const orig = await readFile(FORWARD_ORIG, 'utf8').catch(() => undefined);
      if (orig === '0') await writeFile(IP_FORWARD, '0');
      await rm(FORWARD_ORIG, { force: true });
      await rmdir(dirname(FORWARD_ORIG)).catch(() => undefined);
    });
  }

  private async remove(podUid: string): Promise<void> {
    const { netns, hostVeth } = podNames(podUid);
    const batch = podTeardownBatch({ netns, hostVeth }, { veth: await linkExists(hostVeth), netns: await present(join(NETNS_DIR, netns)) });
    // -force runs every line even when one fails (gone meanwhile); other failures still throw.
    if (batch) await run(IP, ['-force', '-batch', '-'], batch).catch(ignoreMissing);
    await this.ipam.release(podUid);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.lock.then(fn, fn);
    this.lock = next.catch(() => undefined);
    return next;
  }
}

function ignoreMissing(e: unknown): void {
  if (e instanceof CommandError && /No such file|Cannot find device|does not exist|No such process/i.test(e.stderr)) return;
  throw e;
}
