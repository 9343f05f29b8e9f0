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

async function clusterCa(opts: StartNodesOptions): Promise<CertificateAuthority | undefined> {
  if (opts.ca) return opts.ca;
  const pki = join(opts.dataDir, 'pki');
  return existsSync(join(pki, 'ca.crt')) && existsSync(join(pki, 'ca.key')) ? loadOrCreateCa(pki, 'ca', 'kubevirt-ts-ca') : undefined;
}

/** Starts `count` node agents; on a failure the ones already started are stopped again. */
export async function startNodes(opts: StartNodesOptions): Promise<RunningNodes> {
  mkdirSync(join(opts.dataDir, 'nodes'), { recursive: true });
  const ca = await clusterCa(opts);
  const capacity = nodeCapacity(machineResources(opts.dataDir), opts.count);
  // One image cache for all nodes of this machine: layers are shared by digest.
  const imageStore = new ImageStore({ dir: join(opts.dataDir, 'images') });
  const agents: NodeAgent[] = [];
  const networks: PodNetwork[] = [];
  const slot = (opts.podNetwork ?? true) ? await acquireNetworkSlot(join(opts.dataDir, 'nodes', 'network-slot')) : undefined;
  const stop = async (s: { releasePods?: boolean } = {}): Promise<void> => {
    await Promise.all(agents.map((a) => a.stop(s)));
    if (s.releasePods) for (const n of networks) await n.cleanupAll();
    await slot?.release();
  };
  try {
    for (let i = 1; i <= opts.count; i++) {
      const name = nodeName(i);
      let network: PodNetwork | undefined;
      if (opts.podNetwork ?? true) {
        network = new PodNetwork({ node: name, index: i, slot: slot?.slot ?? 0, stateDir: join(opts.dataDir, 'nodes', name, 'network') });
        await network.init();
        networks.push(network);
      }
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
        network,
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
