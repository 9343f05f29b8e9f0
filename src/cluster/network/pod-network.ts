// One node's pod network: a host bridge kvts-brN with 10.244.N.1/24, and per pod a network
// namespace, a veth pair (host end on the bridge, `eth0` inside with an IPAM address, lo up, a
// default route via the bridge), outbound NAT through nftables and IPv4 forwarding so pods
// reach each other across the node bridges of this host. Everything through `ip`/`nft` argv.
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
        if (!(await present(join(NETNS_DIR, netns)))) await run(IP, ['netns', 'add', netns]);
        if (!(await linkExists(hostVeth))) {
          await run(IP, ['link', 'add', hostVeth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns]);
        }
        await run(IP, ['link', 'set', hostVeth, 'master', this.net.bridge, 'up']);
        const ns = (...args: string[]): Promise<string> => run(IP, ['-n', netns, ...args]);
        await ns('link', 'set', 'lo', 'up');
        await ns('addr', 'replace', `${ip}/24`, 'dev', 'eth0');
        await ns('link', 'set', 'eth0', 'up');
        await ns('route', 'replace', 'default', 'via', this.net.gateway, 'dev', 'eth0');
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
    if (await linkExists(hostVeth)) await run(IP, ['link', 'del', hostVeth]).catch(ignoreMissing);
    if (await present(join(NETNS_DIR, netns))) await run(IP, ['netns', 'del', netns]).catch(ignoreMissing);
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
