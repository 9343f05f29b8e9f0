/**
 * The node agent as a process of its own (`dist/cmd/node-agent.js`, supervised by `up`): builds
 * the agent from its kubeconfig, state dir, the shared image cache and its node's pod network,
 * runs it until the signal aborts, then stops it leaving pods running (the next agent re-adopts them).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeClient } from '../../client/kube-client.js';
import { ImageStore } from '../images/index.js';
import { PodNetwork } from '../network/index.js';
import { NodeAgent } from './node-agent.js';
import { startCpuProfile } from '../../common/cpu-profile.js';

export interface RunNodeAgentOptions {
  readonly kubeconfig: string;
  readonly name: string;
  /** Node index N (pod network kvts-brN); the bridge and NAT table are set up by `up`. */
  readonly index: number;
  readonly stateDir: string;
  /** The machine's shared image cache. */
  readonly imagesDir: string;
  readonly repoDir: string;
  readonly capacity: Record<string, string>;
  /** The network slot `up` holds; undefined runs pods without a pod network. */
  readonly networkSlot?: number;
  /** PEM files of the node's serving certificate and the cluster CA (logs and exec over HTTPS). */
  readonly tls?: { readonly certFile: string; readonly keyFile: string; readonly caFile: string };
  readonly port?: number;
  readonly heartbeatMs?: number;
  readonly log: (msg: string) => void;
}

/** Runs one node agent until `signal` aborts; resolves once it has stopped (pods keep running). */
export async function runNodeAgent(o: RunNodeAgentOptions, signal: AbortSignal, onReady?: (port: number | undefined) => void): Promise<void> {
  const stopProfile = await startCpuProfile(`node-agent-${o.name}`);
  const client = await KubeClient.fromKubeconfig(o.kubeconfig);
  const network = o.networkSlot === undefined ? undefined : new PodNetwork({ node: o.name, index: o.index, slot: o.networkSlot, stateDir: join(o.stateDir, 'network') });
  const tls = o.tls && { certPem: readFileSync(o.tls.certFile, 'utf8'), keyPem: readFileSync(o.tls.keyFile, 'utf8'), caPem: readFileSync(o.tls.caFile, 'utf8') };
  const agent = new NodeAgent({
    client,
    name: o.name,
    capacity: o.capacity,
    stateDir: o.stateDir,
    repoDir: o.repoDir,
    imageStore: new ImageStore({ dir: o.imagesDir }),
    network,
    ...(tls ? { tls } : { port: o.port }),
    heartbeatMs: o.heartbeatMs,
    log: o.log,
  });
  try {
    await agent.start();
    onReady?.(agent.port);
    if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    await agent.stop();
  } finally {
    client.close();
    const profile = await stopProfile();
    if (profile) o.log(`node-agent: ${o.name} CPU profile written to ${profile}`);
  }
}
