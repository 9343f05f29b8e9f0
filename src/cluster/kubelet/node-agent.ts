/**
 * The embedded kubelet: registers its Node (with Lease heartbeat), watches the pods bound to it
 * and reconciles each through a PodWorker. Stopping the agent leaves pods running (a restarted
 * agent re-adopts them from its state dir) unless `releasePods` asks to kill them.
 */
import { hostname, release as kernelRelease } from 'node:os';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { KubeClient } from '../../client/kube-client.js';
import { Informer, keyOf } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { EventRecorder } from '../../client/events.js';
import { KubePodApi } from './api-objects.js';
import { ServiceLister } from './service-lister.js';
import type { ImagePuller } from './images.js';
import { goArch, type NodeIdentity } from './node-object.js';
import { NodeRegistrar } from './node-registrar.js';
import { StateDir } from './pod-record.js';
import { PodWorker, type PodNetworkLike } from './pod-worker.js';
import { PRIVATE_DIRS } from './sandbox.js';
import type { ContainerRuntime } from './exec.js';
import { startNodeServer, type NodeServerOptions, type RunningNodeServer } from './node-server.js';
import { isAlive } from './procs.js';
import type { Pod } from './types.js';

export interface NodeAgentOptions {
  readonly client: KubeClient;
  readonly name: string;
  /** This node's share of the machine (see nodeCapacity). */
  readonly capacity: Record<string, string>;
  /** Must not lie under a pod-private directory (/run, /tmp, ...): containers write exit files there. */
  readonly stateDir: string;
  /** Repository root holding dist/cmd/<component>.js for component images. */
  readonly repoDir: string;
  readonly hostIP?: string;
  readonly imageStore?: ImagePuller;
  readonly network?: PodNetworkLike;
  /** Fixed port of the node's HTTPS endpoint; with `tls` the default 0 picks a free one. */
  readonly port?: number;
  /** Serve logs and exec over HTTPS (cluster CA) for the API server's pods/log and pods/exec. */
  readonly tls?: NodeServerOptions['tls'];
  readonly heartbeatMs?: number;
  readonly log?: (msg: string) => void;
}

function readOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return fallback;
  }
}

function osImage(): string {
  const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readOr('/etc/os-release', ''));
  return m?.[1] ?? 'Linux';
}

export class NodeAgent {
  private registrar: NodeRegistrar | undefined;
  private server: RunningNodeServer | undefined;
  private readonly id: NodeIdentity;
  private readonly pods: Informer<Pod>;
  private readonly services: ServiceLister;
  private readonly queue: WorkQueue;
  private readonly worker: PodWorker;
  private readonly state: StateDir;
  private readonly uids = new Map<string, string>();
  private readonly log: (msg: string) => void;

  constructor(private readonly opts: NodeAgentOptions) {
    const stateDir = resolve(opts.stateDir);
    const shadowed = PRIVATE_DIRS.find((d) => stateDir === d || stateDir.startsWith(`${d}/`));
    if (shadowed) throw new Error(`node state dir ${stateDir} lies under ${shadowed}, which every pod mounts privately`);
    this.log = opts.log ?? (() => {});
    this.state = new StateDir(stateDir);
    const hostIP = opts.hostIP ?? '127.0.0.1';
    const id: NodeIdentity = {
      name: opts.name,
      internalIP: hostIP,
      arch: goArch(process.arch),
      kernelVersion: kernelRelease(),
      osImage: osImage(),
      machineID: readOr('/etc/machine-id', hostname()),
      bootID: readOr('/proc/sys/kernel/random/boot_id', ''),
      port: opts.port ?? (opts.tls ? 0 : 10250),
    };
    this.id = id;
    this.pods = new Informer<Pod>(opts.client, { path: '/api/v1/pods', fieldSelector: `spec.nodeName=${opts.name}` });
    this.services = new ServiceLister(opts.client);
    const recorder = new EventRecorder(opts.client, 'kubelet', opts.name);
    this.worker = new PodWorker({
      node: opts.name,
      hostIP,
      state: this.state,
      api: new KubePodApi(opts.client, this.services),
      images: { repoDir: opts.repoDir, puller: opts.imageStore },
      network: opts.network,
      nodeAllocatable: opts.capacity,
      log: this.log,
      events: (pod, e) => void recorder.record({ ...pod, apiVersion: 'v1', kind: 'Pod' }, e.type, e.reason, e.message, (err) => this.log(`${opts.name}: event ${e.reason}: ${String(err)}`)),
    });
    this.queue = new WorkQueue((k) => this.reconcile(k), { baseDelayMs: 500, maxDelayMs: 30_000, workers: 4, onError: (k, e) => this.log(`${opts.name}: pod ${k}: ${String(e)}`) });
  }

  /** The agent's state directory (logs live under it; see readPodLog). */
  get stateDir(): string {
    return this.state.root;
  }

  /** Registers the node, starts watching pods, and removes pods on disk the API no longer has. */
  async start(): Promise<void> {
    let port = this.id.port;
    if (this.opts.tls) {
      this.server = await startNodeServer({ stateDir: this.state.root, tls: this.opts.tls, port, host: this.id.internalIP, runtime: (ns, pod, c) => this.runtimeOf(ns, pod, c) });
      port = this.server.port;
    }
    this.registrar = new NodeRegistrar(this.opts.client, { ...this.id, port }, this.opts.capacity, this.log, this.opts.heartbeatMs);
    await this.registrar.start();
    this.pods.addHandler({
      add: (p) => this.enqueue(p),
      update: (_o, p) => this.enqueue(p),
      delete: (p) => this.enqueue(p),
    });
    await this.services.start();
    await this.pods.start();
    const live = new Set(this.pods.list().map((p) => p.metadata?.uid));
    for (const uid of this.state.uids()) if (!live.has(uid)) await this.worker.forget(uid);
  }

  /** Stops watching and heartbeating; pods keep running unless `releasePods`. */
  async stop(opts: { releasePods?: boolean } = {}): Promise<void> {
    this.queue.stop();
    await Promise.all([this.pods.stop(), this.services.stop(), this.registrar?.stop(), this.server?.close()]);
    if (opts.releasePods) for (const uid of this.state.uids()) await this.worker.forget(uid);
  }

  /** The port of the node's HTTPS endpoint (after start), as published in the Node's daemonEndpoints. */
  get port(): number | undefined {
    return this.server?.port;
  }

  /** Where a running container of a pod on this node runs, or why exec cannot reach it. */
  runtimeOf(ns: string, podName: string, container: string): ContainerRuntime | string {
    const pod = this.pods.get(`${ns}/${podName}`);
    const r = pod?.metadata?.uid ? this.state.load(pod.metadata.uid) : undefined;
    if (!pod || !r) return `pod "${podName}" not found in namespace "${ns}" on node ${this.opts.name}`;
    const c = r.containers[container];
    if (!c?.proc || !c.runtime || !r.sandbox || !isAlive(c.proc.pid, c.proc.startTime)) return `container not found ("${container}")`;
    return { sandboxPid: r.sandbox.pid, ...c.runtime };
  }

  private enqueue(p: Pod): void {
    this.uids.set(keyOf(p), p.metadata?.uid ?? '');
    this.queue.add(keyOf(p));
  }

  private async reconcile(key: string): Promise<{ requeueAfterMs?: number } | void> {
    const pod = this.pods.get(key);
    const known = this.uids.get(key);
    if (known && pod?.metadata?.uid !== known) {
      // Deleted (or replaced by a new pod of the same name): release the old one.
      await this.worker.forget(known);
      this.uids.delete(key);
    }
    if (!pod) return;
    this.uids.set(key, pod.metadata?.uid ?? '');
    const after = await this.worker.sync(pod);
    return after === undefined ? undefined : { requeueAfterMs: after };
  }
}
