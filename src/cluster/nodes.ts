/**
 * Starts the N node agents of `kubevirt-ts up --nodes N` (node01, node02, ...) on this machine,
 * each with its own state directory and an equal share of the machine's cpu, memory and disk.
 */
import { cpus, totalmem } from 'node:os';
import { existsSync, mkdirSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeClient } from '../client/kube-client.js';
import { ImageStore } from './images/index.js';
import { issueServerCert, loadOrCreateCa, type CertificateAuthority } from './pki/index.js';
import { acquireNetworkSlot, PodNetwork } from './network/index.js';
import { NodeAgent, type NodeAgentOptions } from './kubelet/node-agent.js';
import { nodeCapacity, nodeName, type MachineResources } from './kubelet/node-object.js';

export interface StartNodesOptions {
  readonly client: KubeClient;
  readonly count: number;
  /** Node state goes to `<dataDir>/nodes/<name>`; must not be under /tmp or /run. */
  readonly dataDir: string;
  readonly repoDir: string;
  /** Per-node extras (image store, pod network) built by the caller. */
  readonly perNode?: (name: string, index: number) => Partial<Pick<NodeAgentOptions, 'imageStore' | 'network' | 'hostIP'>>;
  readonly heartbeatMs?: number;
  /** Give non-hostNetwork pods a veth on the node bridge (default true; needs ip and nft). */
  readonly podNetwork?: boolean;
  /**
   * The cluster CA: each node serves logs and exec over HTTPS with a certificate it signs, for the
   * API server's pods/log and pods/exec. Default: `<dataDir>/pki/ca.*` when the API server wrote it.
   */
  readonly ca?: CertificateAuthority;
  readonly log?: (msg: string) => void;
}

/** Running node agents. */
export interface RunningNodes {
  readonly agents: readonly NodeAgent[];
  /** Stops the agents; `releasePods` also kills their pods (for `up` shutdown). */
  stop(opts?: { releasePods?: boolean }): Promise<void>;
}

/** The machine's resources as the nodes split them. */
export function machineResources(dataDir: string): MachineResources {
  const fs = statfsSync(dataDir);
  return { cpus: cpus().length, memoryBytes: totalmem(), ephemeralStorageBytes: fs.blocks * fs.bsize };
}

/** The cluster CA the nodes' serving certificates come from: `opts.ca`, else `<dataDir>/pki/ca.*` when present. */
export async function clusterCa(opts: Pick<StartNodesOptions, 'ca' | 'dataDir'>): Promise<CertificateAuthority | undefined> {
  if (opts.ca) return opts.ca;
  const pki = join(opts.dataDir, 'pki');
  return existsSync(join(pki, 'ca.crt')) && existsSync(join(pki, 'ca.key')) ? loadOrCreateCa(pki, 'ca', 'kubevirt-ts-ca') : undefined;
}

/** The pod networks of a cluster's nodes: one slot lease (held by this process) and a bridge per node. */
export interface NodeNetworks {
  readonly slot: number | undefined;
  /** Node i's network at index i - 1 (undefined entries without a pod network). */
  readonly networks: readonly (PodNetwork | undefined)[];
  /** Releases the slot; `cleanup` first removes every pod namespace, bridge and the NAT table. */
  release(cleanup: boolean): Promise<void>;
}

/** Leases a network slot and sets up node 1..count's bridge, unless `enabled` is false. */
export async function startNodeNetworks(dataDir: string, count: number, enabled: boolean): Promise<NodeNetworks> {
  const networks: PodNetwork[] = [];
  const slot = enabled ? await acquireNetworkSlot(join(dataDir, 'nodes', 'network-slot')) : undefined;
  const release = async (cleanup: boolean): Promise<void> => {
    if (cleanup) for (const n of networks) await n.cleanupAll();
    await slot?.release();
  };
  try {
    for (let i = 1; i <= count && slot; i++) {
      const name = nodeName(i);
      const network = new PodNetwork({ node: name, index: i, slot: slot.slot, stateDir: join(dataDir, 'nodes', name, 'network') });
      await network.init();
      networks.push(network);
    }
  } catch (e) {
    await release(false);
    throw e;
  }
  return { slot: slot?.slot, networks: slot ? networks : Array.from({ length: count }, () => undefined), release };
}

/** Starts `count` node agents; on a failure the ones already started are stopped again. */
export async function startNodes(opts: StartNodesOptions): Promise<RunningNodes> {
  mkdirSync(join(opts.dataDir, 'nodes'), { recursive: true });
  const ca = await clusterCa(opts);
  const capacity = nodeCapacity(machineResources(opts.dataDir), opts.count);
  // One image cache for all nodes of this machine: layers are shared by digest.
  const imageStore = new ImageStore({ dir: join(opts.dataDir, 'images') });
  const agents: NodeAgent[] = [];
  const net = await startNodeNetworks(opts.dataDir, opts.count, opts.podNetwork ?? true);
  const stop = async (s: { releasePods?: boolean } = {}): Promise<void> => {
    await Promise.all(agents.map((a) => a.stop(s)));
    await net.release(s.releasePods ?? false);
  };
  try {
    for (let i = 1; i <= opts.count; i++) {
      const name = nodeName(i);
      const serving = ca ? await issueServerCert(ca, { commonName: name, dnsNames: [name] }) : undefined;
      const agent = new NodeAgent({
        client: opts.client,
        name,
        capacity,
        stateDir: join(opts.dataDir, 'nodes', name),
        repoDir: opts.repoDir,
        heartbeatMs: opts.heartbeatMs,
        ...(serving && ca ? { tls: { ...serving, caPem: ca.certPem } } : { port: 10250 + i - 1 }),
        log: opts.log,
        imageStore,
        network: net.networks[i - 1],
        ...opts.perNode?.(name, i),
      });
      await agent.start();
      agents.push(agent);
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { agents, stop };
}
