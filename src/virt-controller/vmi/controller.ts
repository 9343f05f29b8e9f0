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
import { asError, ignoreNotFound, keyOf, newQueue, objectPath, ownedHandlers, PATHS, selfHandlers, sameJSON, splitKey, type ControllerDeps } from '../common.js';
import { byName, launcherPodOf, vmiCaches, type VMICaches } from '../caches.js';
import { reconcileVMIStatus, type VMIAction } from './phase.js';

export interface VMIControllerOptions {
  readonly pod: LauncherPodConfig;
  /** Watch cdi.kubevirt.io DataVolumes (only when CDI's CRDs are installed). */
  readonly watchDataVolumes?: boolean;
  readonly workers?: number;
}

export class VMIController {
  readonly queue: WorkQueue;
  private readonly expectations = new Expectations();
  private readonly c: VMICaches;

  constructor(
    private readonly deps: ControllerDeps,
    private readonly opts: VMIControllerOptions,
  ) {
    this.queue = newQueue('vmi', deps, (k) => this.reconcile(k), opts.workers);
    this.c = vmiCaches(deps.informers, opts.watchDataVolumes);
    const enqueue = (o: VirtualMachineInstance) => this.queue.add(keyOf(o));
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
      return;
    }
    if (!this.expectations.satisfied(key)) return;
    const ns = vmi.metadata?.namespace ?? 'default';
    const pod = launcherPodOf(this.c.pods, vmi);
    const result = reconcileVMIStatus({ vmi, pod, pvcs: byName(this.c.pvcs, ns), dataVolumes: byName(this.c.dvs, ns), now: this.deps.now() });
    let error: unknown;
    for (const action of result.actions) {
      try {
        await this.act(action, key, vmi, pod);
      } catch (e) {
        error ??= e;
      }
    }
    if (!sameJSON(result.status, vmi.status ?? {})) await this.writeStatus(vmi, result.status);
    if (error !== undefined) throw asError(error);
  }

  private async act(action: VMIAction, key: string, vmi: VirtualMachineInstance, pod: Pod | undefined): Promise<void> {
    const ns = vmi.metadata?.namespace ?? 'default';
    const rec = (type: 'Normal' | 'Warning', reason: string, msg: string) => this.deps.recorder.record(vmi, type, reason, msg);
    switch (action) {
      case 'createPod': {
        this.expectations.expectCreations(key, 1);
        try {
          const created = await this.deps.client.create<Pod>(objectPath(PATHS.pods, ns), renderLauncherPod(vmi, this.opts.pod));
          await rec('Normal', 'SuccessfulCreate', `Created virtual machine pod ${created.metadata.name ?? ''}`);
        } catch (e) {
          this.expectations.lowerExpectations(key, 1, 0);
          await rec('Warning', 'FailedCreate', `Error creating pod: ${e instanceof Error ? e.message : String(e)}`);
          throw e;
        }
        return;
      }
      case 'deletePod': {
        if (!pod) return;
        this.expectations.expectDeletions(key, 1);
        try {
          await this.deps.client.delete(objectPath(PATHS.pods, ns, pod.metadata.name ?? ''));
          await rec('Normal', 'SuccessfulDelete', `Deleted virtual machine pod ${pod.metadata.name ?? ''}`);
        } catch (e) {
          this.expectations.lowerExpectations(key, 0, 1);
          ignoreNotFound(e);
        }
        return;
      }
      case 'removeFinalizer': {
        const finalizers = vmi.metadata?.finalizers ?? [];
        const i = finalizers.indexOf(VMI_FINALIZER);
        if (i < 0) return;
        const path = `/metadata/finalizers/${i}`;
        await this.deps.client.patch(objectPath(PATHS.vmis, ns, vmi.metadata?.name ?? ''), [{ op: 'test', path, value: VMI_FINALIZER }, { op: 'remove', path }]).catch(ignoreNotFound);
        return;
      }
    }
  }

  private async writeStatus(vmi: VirtualMachineInstance, status: VirtualMachineInstance['status']): Promise<void> {
    const [ns, name] = splitKey(keyOf(vmi));
    await this.deps.client.replace(`${objectPath(PATHS.vmis, ns, name)}/status`, { ...vmi, status }).catch(ignoreNotFound);
    const oldPhase = vmi.status?.phase ?? '';
    if (status?.phase && status.phase !== oldPhase) {
      const failed = status.phase === 'Failed';
      await this.deps.recorder.record(vmi, failed ? 'Warning' : 'Normal', failed ? (status.reason ?? 'Failed') : status.phase, `VMI phase ${oldPhase || '(none)'} -> ${status.phase}`);
    }
  }

  /** Starts the work loop; informers are started by the factory. */
  run(): void {
    for (const v of this.c.vmis.list()) this.queue.add(keyOf(v));
  }

  stop(): void {
    this.queue.stop();
  }
}
