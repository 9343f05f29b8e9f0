/**
 * `kubevirt-ts up`'s node agents, each a supervised process of its own (`dist/cmd/node-agent.js`),
 * as kubelet runs beside the control plane: acting as `system:node:<name>` (group `system:nodes`),
 * restarted when it dies (kill -9 included: pods run detached and the new agent re-adopts them).
 * `up` keeps what outlives the agents: the network slot lease, the node bridges and NAT table.
 * The agents run niced and the pods weighted below the control plane; each node's pods tree as kubepods (ADR 0007).
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import type { KubeClient } from '../client/kube-client.js';
import { createOrReplace } from './apply.js';
import { removeNodeCgroups, setEmbeddedPodsWeight, setupNodeCgroups } from './kubelet/cgroups.js';
import { NodeAgent } from './kubelet/node-agent.js';
import type { RunNodeAgentOptions } from './kubelet/run.js';
import { nodeCapacity, nodeName } from './kubelet/node-object.js';
import { machineResources, startNodeNetworks, type NodeNetworks } from './nodes.js';
import { nodeRbac, nodeUser } from './node-rbac.js';
import { issueClientCert, issueServerCert, renderKubeconfig, type ClusterPki } from './pki/index.js';
import { SupervisedProcess } from './supervised-process.js';

export interface StartNodeProcessesOptions {
  /** A cluster-admin client: installs the node RBAC and releases pods at shutdown. */
  readonly admin: KubeClient;
  readonly pki: ClusterPki;
  /** The API server's URL for the nodes' kubeconfigs. */
  readonly server: string;
  readonly count: number;
  /** Node state goes to `<dataDir>/nodes/<name>`; must not be under /tmp or /run. */
  readonly dataDir: string;
  readonly repoDir: string;
  /** Give non-hostNetwork pods a veth on the node bridge (default true; needs ip and nft). */
  readonly podNetwork?: boolean;
  readonly heartbeatMs?: number;
  readonly log: (line: string) => void;
}

/**
 * The nice value of the node agents (kubelet's place: a node daemon, below the control plane that
 * `up` runs beside it; ADR 0007). They share `up`'s session, hence its scheduling autogroup, so this
 * weighs them 110 against the control plane's 1024 per thread without changing the cluster's weight
 * against the rest of the machine. Their children, pods included, inherit it. Nice is
 * work-conserving: the agents still get every idle cycle.
 */
export const NODE_AGENT_NICE = 10;

/**
 * The CPU weight (v1 cpu.shares; converted for v2) of all embedded pods together while `up` runs:
 * a quarter of a nice-0 process's (or autogroup's) 1024, so when pods and the control plane want
 * the same CPU the control plane gets 4/5 of it, as if it had nodes of its own (ADR 0007).
 * Shares are work-conserving: pods still get every idle cycle.
 */
export const EMBEDDED_PODS_SHARES = 256;

/** The embedded pods' weight: KUBEVIRT_TS_EMBEDDED_PODS_SHARES when it is a whole number of shares
 *  the kernel takes (2-262144; 1024 turns the lowering off, for A/B runs), else EMBEDDED_PODS_SHARES. */
export function embeddedPodsShares(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env['KUBEVIRT_TS_EMBEDDED_PODS_SHARES'] ?? '');
  return Number.isInteger(n) && n >= 2 && n <= 262_144 ? n : EMBEDDED_PODS_SHARES;
}

/** Sets every thread of a process to `nice` (Linux nice is per thread; later threads inherit it). Returns a warning or undefined. */
export function reniceProcess(pid: number, nice: number): string | undefined {
  try {
    const tids = readdirSync(`/proc/${pid}/task`).map(Number);
    for (const tid of tids) setPriority(tid, nice);
    return undefined;
  } catch (e) {
    return `could not set nice ${nice} on process ${pid}: ${(e as Error).message}`;
  }
}

/** The node agent processes of a running cluster. */
export interface RunningNodeProcesses {
  /** node01..nodeNN. */
  readonly names: readonly string[];
  /** Each node's supervised agent process, by node name (for tests that kill one). */
  readonly processes: ReadonlyMap<string, SupervisedProcess>;
  /** Stops the agents; `releasePods` also kills their pods and removes the pod network (`up` shutdown). */
  stop(opts?: { releasePods?: boolean }): Promise<void>;
}

/** Files a node agent process reads: its kubeconfig and its serving certificate with the cluster CA. */
interface NodeFiles {
  readonly kubeconfig: string;
  readonly cert: string;
  readonly key: string;
  readonly ca: string;
}

/** Writes the node's identity (0600): a client certificate for `system:node:<name>` and an HTTPS serving certificate. */
async function writeNodeIdentity(pki: ClusterPki, server: string, stateDir: string, name: string): Promise<NodeFiles> {
  const id = nodeUser(name);
  const [client, serving] = await Promise.all([issueClientCert(pki.ca, id.user, id.groups), issueServerCert(pki.ca, { commonName: name, dnsNames: [name] })]);
  const dir = join(stateDir, 'pki');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files: NodeFiles = { kubeconfig: join(stateDir, 'kubelet.kubeconfig'), cert: join(dir, 'kubelet.crt'), key: join(dir, 'kubelet.key'), ca: join(dir, 'ca.crt') };
  writeFileSync(files.kubeconfig, renderKubeconfig({ server, caPem: pki.ca.certPem, credentials: client, userName: id.user }), { mode: 0o600 });
  writeFileSync(files.cert, serving.certPem, { mode: 0o600 });
  writeFileSync(files.key, serving.keyPem, { mode: 0o600 });
  writeFileSync(files.ca, pki.ca.certPem, { mode: 0o600 });
  return files;
}

/** The node-agent command's arguments for node `index` (pure; see src/cmd/node-agent.ts). */
export function nodeAgentArgs(
  o: Pick<RunNodeAgentOptions, 'name' | 'index' | 'stateDir' | 'imagesDir' | 'repoDir' | 'capacity' | 'networkSlot' | 'heartbeatMs'> & { readonly files: NodeFiles },
): string[] {
  return [
    '--kubeconfig', o.files.kubeconfig, '--node-name', o.name, '--index', String(o.index), '--state-dir', o.stateDir,
    '--images-dir', o.imagesDir, '--repo-dir', o.repoDir, '--capacity', JSON.stringify(o.capacity),
    '--tls-cert', o.files.cert, '--tls-key', o.files.key, '--client-ca', o.files.ca,
    ...(o.networkSlot === undefined ? [] : ['--network-slot', String(o.networkSlot)]),
    ...(o.heartbeatMs === undefined ? [] : ['--heartbeat-ms', String(o.heartbeatMs)]),
  ];
}

/** Kills the pods a (stopped) node agent left running and frees their mounts, cgroups and addresses. */
async function releaseNodePods(o: StartNodeProcessesOptions, name: string, net: NodeNetworks, index: number, capacity: Record<string, string>): Promise<void> {
  const releaser = new NodeAgent({ client: o.admin, name, capacity, stateDir: join(o.dataDir, 'nodes', name), repoDir: o.repoDir, network: net.networks[index - 1], log: o.log });
  await releaser.stop({ releasePods: true });
}

/** Starts `count` node agent processes; resolves once each has registered its Node. */
export async function startNodeProcesses(o: StartNodeProcessesOptions): Promise<RunningNodeProcesses> {
  for (const obj of nodeRbac()) await createOrReplace(o.admin, obj);
  mkdirSync(join(o.dataDir, 'nodes'), { recursive: true });
  const capacity = nodeCapacity(machineResources(o.dataDir), o.count);
  const names = Array.from({ length: o.count }, (_, i) => nodeName(i + 1));
  const net = await startNodeNetworks(o.dataDir, o.count, o.podNetwork ?? true);
  const processes = new Map<string, SupervisedProcess>();
  const stop = async (s: { releasePods?: boolean } = {}): Promise<void> => {
    await Promise.all([...processes.values()].map((p) => p.stop()));
    if (s.releasePods) for (const [i, name] of names.entries()) await releaseNodePods(o, name, net, i + 1, capacity);
    await net.release(s.releasePods ?? false);
    if (!s.releasePods) return;
    setEmbeddedPodsWeight('default');
    for (const name of names) removeNodeCgroups(name);
  };
  const weights = [...setEmbeddedPodsWeight(embeddedPodsShares()), ...setupNodeCgroups(names, capacity['cpu'] ?? '0')];
  for (const w of weights) o.log(`kubevirt-ts: ${w}`);
  try {
    for (const [i, name] of names.entries()) {
      const stateDir = join(o.dataDir, 'nodes', name);
      mkdirSync(stateDir, { recursive: true });
      const files = await writeNodeIdentity(o.pki, o.server, stateDir, name);
      const args = nodeAgentArgs({ name, index: i + 1, stateDir, imagesDir: join(o.dataDir, 'images'), repoDir: o.repoDir, capacity, networkSlot: net.slot, files, heartbeatMs: o.heartbeatMs });
      const proc: SupervisedProcess = new SupervisedProcess({
        label: `node-agent(${name})`, command: 'node-agent', args, repoDir: o.repoDir, log: o.log,
        // Each start (restarts included) lowers the new process below the control plane.
        ready: (line) => {
          if (!line.startsWith(`node-agent: ${name} ready`)) return false;
          const warning = proc.pid === undefined ? undefined : reniceProcess(proc.pid, NODE_AGENT_NICE);
          if (warning) o.log(`node-agent(${name}): ${warning}`);
          return true;
        },
      });
      processes.set(name, proc);
      await proc.start();
    }
  } catch (e) {
    await stop({ releasePods: true });
    throw e;
  }
  return { names, processes, stop };
}
