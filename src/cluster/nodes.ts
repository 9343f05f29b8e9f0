/**
 * Starts the N node agents of `kubevirt-ts up --nodes N` (node01, node02, ...) on this machine,
 * each with its own state directory and an equal share of the machine's cpu, memory and disk.
 */
import { cpus, totalmem } from 'node:os';
import { mkdirSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeClient } from '../client/kube-client.js';
import { ImageStore } from './images/index.js';
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

/** Starts `count` node agents; on a failure the ones already started are stopped again. */
export async function startNodes(opts: StartNodesOptions): Promise<RunningNodes> {
  mkdirSync(join(opts.dataDir, 'nodes'), { recursive: true });
  const capacity = nodeCapacity(machineResources(opts.dataDir), opts.count);
  // One image cache for all nodes of this machine: layers are shared by digest.
  const imageStore = new ImageStore({ dir: join(opts.dataDir, 'images') });
  const agents: NodeAgent[] = [];
  const stop = async (s: { releasePods?: boolean } = {}): Promise<void> => {
    await Promise.all(agents.map((a) => a.stop(s)));
  };
  try {
    for (let i = 1; i <= opts.count; i++) {
      const name = nodeName(i);
      const agent = new NodeAgent({
        client: opts.client,
        name,
        capacity,
        stateDir: join(opts.dataDir, 'nodes', name),
        repoDir: opts.repoDir,
        heartbeatMs: opts.heartbeatMs,
        port: 10250 + i - 1,
        log: opts.log,
        imageStore,
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
