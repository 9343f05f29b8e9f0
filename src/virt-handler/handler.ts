/**
 * virt-handler's loop: watches the VMIs on its node, connects to their launchers, syncs Scheduled
 * VMIs, shuts down deleted ones within their grace period, and writes the status it owns (only
 * when it changed). Launcher events and lost connections re-enqueue the VMI.
 */
import type { VirtualMachineInstance } from '../api/kubevirt/index.js';
import { DEFAULT_GRACE_PERIOD_SECONDS, NODE_NAME_LABEL } from '../api/kubevirt/constants.js';
import type { KubeClient } from '../client/kube-client.js';
import { Informer, keyOf } from '../client/informer.js';
import { WorkQueue, type ReconcileResult } from '../client/workqueue.js';
import type { DomainSummary, LauncherClient, SyncOptions } from '../launcher-rpc/index.js';
import { beat, HEARTBEAT_PERIOD_MS } from './heartbeat.js';
import { LauncherRegistry, type SocketResolver } from './launcher-registry.js';
import { desiredStatus, statusPatch, type StatusInputs } from './status.js';
import { capabilityLabels, labelPatch, probeQemu } from './node-labels.js';
import { defaultLinkRoot, pruneLinks } from './socket-path.js';
import { SocketWaiter } from './socket-wait.js';
import { LauncherPods, type LauncherPodInfo } from './launcher-pods.js';
import { SyncTracker } from './sync-tracker.js';

const VMI_PATH = '/apis/kubevirt.io/v1/virtualmachineinstances';
/** How often a running VMI is re-read from its launcher (guest IPs, agent info). */
const RESYNC_RUNNING_MS = 15_000;
/** Retry while the launcher socket is not there yet (a watch on its directory wakes the VMI sooner). */
const LAUNCHER_WAIT_MS = 1000;

/**
 * The VMI informer's selection: the VMIs labelled for this node (upstream's VMISourceHost informer,
 * `kubevirt.io/nodeName in (<node>)`), which virt-controller labels in the write that makes them Scheduled.
 */
export function vmiInformerSelector(nodeName: string): { readonly path: string; readonly labelSelector: string } {
  return { path: VMI_PATH, labelSelector: `${NODE_NAME_LABEL}=${nodeName}` };
}

/** Dependencies of VirtHandler. */
export interface VirtHandlerDeps {
  readonly client: KubeClient;
  readonly nodeName: string;
  readonly resolveSocket: SocketResolver;
  /** Whether /dev/kvm is usable here (node labels; the launcher decides per sync). */
  readonly kvm: boolean;
  readonly syncOptions?: SyncOptions;
  readonly heartbeatMs?: number;
  readonly now?: () => Date;
  readonly log?: (msg: string) => void;
}

/** One virt-handler for one node. */
export class VirtHandler {
  readonly queue: WorkQueue;
  private informer: Informer<VirtualMachineInstance> | undefined;
  private readonly registry: LauncherRegistry;
  private readonly pods: LauncherPods;
  private readonly syncs: SyncTracker;
  private readonly lost = new Set<string>();
  /** VMIs that left the cache (deleted, or no longer labelled for this node) while their launcher was connected. */
  private readonly orphans = new Map<string, VirtualMachineInstance>();
  private readonly sockets = new SocketWaiter((key) => this.queue.add(key));
  private heartbeatTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: VirtHandlerDeps) {
    // Reconciles only make short calls (launcher syncs run in the background, see SyncTracker).
    this.queue = new WorkQueue((key) => this.reconcile(key), { workers: 4, onError: (key, err) => this.log(`reconcile ${key}: ${String(err)}`) });
    this.registry = new LauncherRegistry(deps.resolveSocket, {
      onEvent: (key) => this.queue.add(key),
      onLost: (key) => {
        this.lost.add(key);
        this.queue.add(key);
      },
    });
    this.pods = new LauncherPods(deps.client, deps.nodeName, (key) => { if (this.informer?.get(key)) this.queue.add(key); });
    this.syncs = new SyncTracker({ wake: (key) => this.queue.add(key), failed: (key, err) => this.log(`${key}: sync: ${String(err)}`) });
  }

  /** Labels the node, starts heartbeats and the VMI informer; resolves once the informer has listed. */
  async start(): Promise<void> {
    await this.labelNode();
    await this.heartbeat();
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.deps.heartbeatMs ?? HEARTBEAT_PERIOD_MS);
    this.heartbeatTimer.unref();
    await this.pods.start();
    await this.startInformer();
  }

  /** Stops the loop and closes launcher connections; guests keep running. */
  async stop(): Promise<void> {
    clearInterval(this.heartbeatTimer);
    this.queue.stop();
    this.sockets.cancelAll();
    this.syncs.stop();
    await this.informer?.stop();
    await this.pods.stop();
    this.registry.closeAll();
  }

  private log(msg: string): void {
    this.deps.log?.(`virt-handler[${this.deps.nodeName}]: ${msg}`);
  }

  private async heartbeat(): Promise<void> {
    try {
      await beat(this.deps.client, this.deps.nodeName, this.deps.kvm, this.now());
    } catch (e) {
      this.log(`heartbeat: ${String(e)}`);
    }
    this.pruneStaleLinks();
  }

  /** Drops socket links whose launcher pod directory is gone (VMIs that vanished, while we were down too). */
  private pruneStaleLinks(): void {
    try {
      const n = pruneLinks(defaultLinkRoot());
      if (n > 0) this.log(`removed ${n} stale launcher socket link(s)`);
    } catch (e) {
      this.log(`socket links: ${String(e)}`);
    }
  }

  /** Labels the node with the CPU models and machine types guests may ask for here. */
  private async labelNode(): Promise<void> {
    try {
      const { cpuModels, machineTypes } = await probeQemu();
      const path = `/api/v1/nodes/${encodeURIComponent(this.deps.nodeName)}`;
      const node = await this.deps.client.get<{ metadata?: { labels?: Record<string, string> } }>(path);
      const labels = labelPatch(node.metadata?.labels, capabilityLabels(this.deps.kvm, cpuModels, machineTypes));
      if (Object.keys(labels).length > 0) await this.deps.client.patch(path, { metadata: { labels } });
    } catch (e) {
      this.log(`node labels: ${String(e)}`);
    }
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** Watches only the VMIs labelled for this node: another node's VMIs never reach this handler. */
  private async startInformer(): Promise<void> {
    const inf = new Informer<VirtualMachineInstance>(this.deps.client, { ...vmiInformerSelector(this.deps.nodeName), resyncMs: 5 * 60_000 });
    // Set before start: the initial list enqueues keys that reconcile reads from this cache.
    this.informer = inf;
    inf.addHandler({
      add: (o) => this.queue.add(keyOf(o)),
      update: (_o, n) => this.queue.add(keyOf(n)),
      delete: (o) => {
        const key = keyOf(o);
        this.lost.delete(key);
        this.syncs.forget(key);
        // Its domain must not outlive it (upstream shuts down a domain whose VMI is gone from its cache).
        if (this.registry.current(key)) this.orphans.set(key, o);
        this.queue.add(key);
      },
    });
    await inf.start();
  }

  /** A VMI gone from the cache with its launcher still connected: shut its domain down within its grace period. */
  private async shutdownOrphan(key: string, last: VirtualMachineInstance): Promise<void> {
    const launcher = this.registry.current(key);
    if (!launcher) return;
    const domain = await launcher.call('getDomain', {});
    if (!domain || domain.state === 'Shutoff') return;
    const grace = last.spec.terminationGracePeriodSeconds ?? DEFAULT_GRACE_PERIOD_SECONDS;
    this.log(`${key}: VMI gone from this node's VMIs; shutting its domain down (grace ${grace}s)`);
    await launcher.call('shutdown', { gracePeriodSeconds: grace });
  }

  /** Brings one VMI's launcher and status in line. */
  async reconcile(key: string): Promise<ReconcileResult | void> {
    const vmi = this.informer?.get(key);
    if (!vmi) {
      const orphan = this.orphans.get(key);
      this.orphans.delete(key);
      if (orphan) await this.shutdownOrphan(key, orphan).catch((e: unknown) => this.log(`${key}: shutdown: ${String(e)}`));
      this.registry.drop(key);
      this.sockets.cancel(key);
      this.syncs.forget(key);
      return;
    }
    this.orphans.delete(key);
    // The label selects this node; status.nodeName must agree before the handler acts.
    if (vmi.status?.nodeName !== this.deps.nodeName) return;
    const phase = vmi.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      this.registry.drop(key);
      this.syncs.forget(key);
      return;
    }
    if (phase !== 'Scheduled' && phase !== 'Running') {
      this.log(`${key}: phase ${phase ?? '""'}: nothing to do yet`);
      return;
    }
    const deleting = !!vmi.metadata?.deletionTimestamp;
    const sync = phase === 'Scheduled' && !deleting ? this.syncs.state(key) : undefined;
    // Status waits for a running sync's end (which wakes the VMI): a domain defined but not started is no news.
    if (sync?.kind === 'running' || sync?.kind === 'backoff') return { requeueAfterMs: RESYNC_RUNNING_MS };
    const pod = await this.pods.get(vmi);
    const launcher = await this.registry.get(key, vmi, pod.uid);
    if (!launcher) {
      if (this.lost.has(key) && !pod.alive) {
        await this.writeStatus(vmi, null, pod, { reason: 'LauncherLost', message: 'the virt-launcher is gone' });
        return;
      }
      if (phase === 'Running' && !pod.alive) {
        await this.writeStatus(vmi, null, pod, { reason: 'PodNotExists', message: 'the virt-launcher pod no longer exists' });
        return;
      }
      // A pod that ended before its launcher ever served (as upstream: the launcher is gone and the VMI never ran).
      if (phase === 'Scheduled' && pod.final) {
        await this.writeStatus(vmi, null, pod, { reason: 'PodFailed', message: 'the virt-launcher pod terminated before its launcher started the domain' });
        return;
      }
      this.log(`${key}: launcher not reachable yet`);
      const path = this.deps.resolveSocket(vmi, pod.uid);
      if (path) this.sockets.wait(key, path);
      return { requeueAfterMs: LAUNCHER_WAIT_MS };
    }
    this.sockets.cancel(key);
    this.lost.delete(key);
    // A launcher's sync leaves a running domain as it is, so the first one goes without asking for the domain first.
    if (sync?.kind === 'idle') return this.startSync(key, vmi, launcher);
    let domain: DomainSummary | null = await launcher.call('getDomain', {});
    if (deleting) {
      if (domain && domain.state !== 'Shutoff') {
        const grace = vmi.spec.terminationGracePeriodSeconds ?? DEFAULT_GRACE_PERIOD_SECONDS;
        await launcher.call('shutdown', { gracePeriodSeconds: grace });
        domain = await launcher.call('getDomain', {});
      }
    } else if (!domain && phase === 'Scheduled') {
      return this.startSync(key, vmi, launcher);
    }
    await this.writeStatus(vmi, domain, pod);
    return { requeueAfterMs: RESYNC_RUNNING_MS };
  }

  /** Sends the launcher its sync in the background: the launcher's events and the sync's end wake the VMI again. */
  private startSync(key: string, vmi: VirtualMachineInstance, launcher: LauncherClient): ReconcileResult {
    this.syncs.start(key, () => launcher.call('sync', { vmi, options: this.deps.syncOptions }));
    return { requeueAfterMs: RESYNC_RUNNING_MS };
  }

  private async writeStatus(vmi: VirtualMachineInstance, domain: DomainSummary | null, pod: LauncherPodInfo, launcherLost?: StatusInputs['launcherLost']): Promise<void> {
    const desired = desiredStatus(vmi, {
      domain, launcherLost, nodeName: this.deps.nodeName, podIP: pod.podIP, podIPs: pod.podIPs, qosClass: pod.qosClass,
      launcherImage: pod.image, now: this.now().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    });
    const ops = statusPatch(vmi, desired);
    if (ops.length === 0) return;
    const ns = vmi.metadata?.namespace ?? 'default';
    // Upstream's VMI CRD has no status subresource: status is patched on the object itself.
    await this.deps.client.patch(`/apis/kubevirt.io/v1/namespaces/${ns}/virtualmachineinstances/${vmi.metadata?.name ?? ''}`, ops);
    if (desired.phase !== vmi.status?.phase) this.log(`${keyOf(vmi)}: ${vmi.status?.phase ?? ''} -> ${desired.phase ?? ''}`);
  }
}
