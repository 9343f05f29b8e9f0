/**
 * The VMI controller: creates each VMI's launcher pod, moves the VMI through Pending ->
 * Scheduling -> Scheduled, fails it when the pod fails or vanishes, deletes the pod once the VMI
 * is final and then removes the finalizer. The decisions are in phase.ts; this is the I/O.
 */
import { VMI_FINALIZER, type VirtualMachineInstance } from '../../api/kubevirt/index.js';
import { Expectations } from '../../client/expectations.js';
import type { WorkQueue } from '../../client/workqueue.js';
import type { Pod } from '../pod.js';
import { renderLauncherPod, type LauncherPodConfig } from '../services/launcher-pod.js';
import { asError, ignoreNotFound, keyOf, newQueue, objectPath, ownedHandlers, PATHS, recordEvent, sameJSON, selfHandlers, splitKey, type ControllerDeps } from '../common.js';
import { byName, launcherPodOf, usesClaims, vmiCaches, type VMICaches } from '../caches.js';
import { reconcileVMIStatus, type VMIAction } from './phase.js';
import { vmiTrace } from './trace.js';

export interface VMIControllerOptions {
  readonly pod: LauncherPodConfig;
  /** Watch cdi.kubevirt.io DataVolumes (only when CDI's CRDs are installed). */
  readonly watchDataVolumes?: boolean;
  /** Queue workers; upstream's VMI controller threadiness (10) by default. */
  readonly workers?: number;
}

/** Upstream virt-controller's default VMI controller threadiness. */
export const VMI_CONTROLLER_WORKERS = 10;

export class VMIController {
  readonly queue: WorkQueue;
  private readonly expectations = new Expectations();
  /** Per key, the resourceVersion a status write replaced: the cache still holding it has not seen the write yet. */
  private readonly replacedVersion = new Map<string, string>();
  private readonly c: VMICaches;
  private readonly trace = vmiTrace();

  constructor(
    private readonly deps: ControllerDeps,
    private readonly opts: VMIControllerOptions,
  ) {
    this.queue = newQueue('vmi', deps, (k) => this.reconcile(k), opts.workers ?? VMI_CONTROLLER_WORKERS);
    this.c = vmiCaches(deps.informers, opts.watchDataVolumes);
    const enqueue = (o: VirtualMachineInstance) => this.queue.add(keyOf(o));
    this.c.vmis.addHandler({ add: (o) => this.trace.mark(keyOf(o), 'added') });
    this.c.vmis.addHandler(selfHandlers(this.queue));
    this.c.pods.addHandler(ownedHandlers('VirtualMachineInstance', this.queue, this.expectations));
    const byVolume = () => {
      for (const v of this.c.vmis.list()) if ((v.spec.volumes ?? []).some((x) => x.persistentVolumeClaim || x.dataVolume)) enqueue(v);
    };
    this.c.pvcs.addHandler({ add: byVolume, update: byVolume, delete: byVolume });
    this.c.dvs?.addHandler({ add: byVolume, update: byVolume, delete: byVolume });
  }

  async reconcile(key: string): Promise<void> {
    const vmi = this.c.vmis.get(key);
    if (!vmi) {
      this.expectations.delete(key);
      this.replacedVersion.delete(key);
      return;
    }
    if (!this.expectations.satisfied(key)) return;
    this.trace.mark(key, 'start');
    // Acting on a copy older than our own write would only conflict; its watch event re-enqueues the key.
    if (this.replacedVersion.get(key) === vmi.metadata?.resourceVersion) return;
    this.replacedVersion.delete(key);
    const ns = vmi.metadata?.namespace ?? 'default';
    // The PVC and DataVolume maps are only read for volumes that name one: skip building them otherwise.
    const claims = usesClaims(vmi);
    const input = {
      vmi,
      pod: launcherPodOf(this.c.pods, vmi),
      pvcs: claims ? byName(this.c.pvcs, ns) : undefined,
      dataVolumes: claims ? byName(this.c.dvs, ns) : undefined,
      now: this.deps.now(),
    };
    const result = reconcileVMIStatus(input);
    let error: unknown;
    let created: Pod | undefined;
    for (const action of result.actions) {
      try {
        created = (await this.act(action, key, vmi, input.pod)) ?? created;
      } catch (e) {
        error ??= e;
      }
    }
    // As upstream, the status written after creating the pod already sees it: '' -> Scheduling in one write.
    const next = created ? reconcileVMIStatus({ ...input, pod: created }) : result;
    if (next.labels || !sameJSON(next.status, vmi.status ?? {})) await this.writeStatus(key, vmi, next.status, next.labels);
    if (error !== undefined) throw asError(error);
  }

  /** Carries out one action; the launcher pod when it created one. */
  private async act(action: VMIAction, key: string, vmi: VirtualMachineInstance, pod: Pod | undefined): Promise<Pod | undefined> {
    const ns = vmi.metadata?.namespace ?? 'default';
    const rec = (type: 'Normal' | 'Warning', reason: string, msg: string) => recordEvent(this.deps, vmi, type, reason, msg);
    switch (action) {
      case 'createPod': {
        this.expectations.expectCreations(key, 1);
        try {
          const created = await this.deps.client.create<Pod>(objectPath(PATHS.pods, ns), renderLauncherPod(vmi, this.opts.pod));
          this.trace.mark(key, 'podPosted');
          rec('Normal', 'SuccessfulCreate', `Created virtual machine pod ${created.metadata.name ?? ''}`);
          return created;
        } catch (e) {
          this.expectations.lowerExpectations(key, 1, 0);
          rec('Warning', 'FailedCreate', `Error creating pod: ${e instanceof Error ? e.message : String(e)}`);
          throw e;
        }
      }
      case 'deletePod': {
        if (!pod) return undefined;
        this.expectations.expectDeletions(key, 1);
        try {
          await this.deps.client.delete(objectPath(PATHS.pods, ns, pod.metadata.name ?? ''));
          rec('Normal', 'SuccessfulDelete', `Deleted virtual machine pod ${pod.metadata.name ?? ''}`);
        } catch (e) {
          this.expectations.lowerExpectations(key, 0, 1);
          ignoreNotFound(e);
        }
        return undefined;
      }
      case 'removeFinalizer': {
        const finalizers = vmi.metadata?.finalizers ?? [];
        const i = finalizers.indexOf(VMI_FINALIZER);
        if (i < 0) return undefined;
        const path = `/metadata/finalizers/${i}`;
        await this.deps.client.patch(objectPath(PATHS.vmis, ns, vmi.metadata?.name ?? ''), [{ op: 'test', path, value: VMI_FINALIZER }, { op: 'remove', path }]).catch(ignoreNotFound);
        return undefined;
      }
    }
  }

  /** Writes the status, and the labels when given (kubevirt.io/nodeName with Scheduled), in one update. */
  private async writeStatus(key: string, vmi: VirtualMachineInstance, status: VirtualMachineInstance['status'], labels?: Readonly<Record<string, string>>): Promise<void> {
    const [ns, name] = splitKey(key);
    // The VMI CRD has no status subresource (as upstream): status and labels are written with the object.
    const metadata = labels ? { ...vmi.metadata, labels: { ...labels } } : vmi.metadata;
    const written = await this.deps.client
      .replace(objectPath(PATHS.vmis, ns, name), { ...vmi, metadata, status }, { discardResponse: true })
      .then(() => true, (e: unknown) => ignoreNotFound(e));
    if (written && vmi.metadata?.resourceVersion) this.replacedVersion.set(key, vmi.metadata.resourceVersion);
    this.trace.mark(key, 'statusWritten');
    // Like upstream's VMI controller, no Event per phase; a failure is worth one (its reason).
    const oldPhase = vmi.status?.phase ?? '';
    if (status?.phase === 'Failed' && oldPhase !== 'Failed') recordEvent(this.deps, vmi, 'Warning', status.reason ?? 'Failed', `VMI phase ${oldPhase || '(none)'} -> Failed`);
  }

  /** Starts the work loop; informers are started by the factory. */
  run(): void {
    for (const v of this.c.vmis.list()) this.queue.add(keyOf(v));
  }

  stop(): void {
    this.queue.stop();
  }
}
