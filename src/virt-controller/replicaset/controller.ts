/**
 * The VirtualMachineInstanceReplicaSet controller: keeps `spec.replicas` active VMIs from the
 * template, adopts matching orphans and releases owned VMIs that stopped matching, deletes
 * finished VMIs, honours `spec.paused`, and writes status through the status subresource.
 * Decisions are in replicas.ts; this is the I/O.
 */
import type { VirtualMachineInstance, VirtualMachineInstanceReplicaSet } from '../../api/kubevirt/index.js';
import type { KubeObject } from '../../api/meta/index.js';
import { Expectations } from '../../client/expectations.js';
import type { Informer } from '../../client/informer.js';
import type { WorkQueue } from '../../client/workqueue.js';
import { asError, ignoreNotFound, keyOf, newQueue, objectPath, ownerKey, PATHS, recordEvent, sameJSON, selfHandlers, type ControllerDeps } from '../common.js';
import {
  BURST_REPLICAS,
  computeRSStatus,
  deleteCandidates,
  invalidSpec,
  isActive,
  isFinished,
  replicaDiff,
  selects,
  SUCCESSFUL_PAUSED_REASON,
  SUCCESSFUL_RESUMED_REASON,
  vmiFromReplicaSet,
} from './replicas.js';

const KIND = 'VirtualMachineInstanceReplicaSet';

export interface ReplicaSetControllerOptions {
  readonly workers?: number;
}

const controllerRef = (o: KubeObject) => o.metadata?.ownerReferences?.find((r) => r.controller);

export class ReplicaSetController {
  readonly queue: WorkQueue;
  private readonly expectations = new Expectations();
  private readonly sets: Informer<VirtualMachineInstanceReplicaSet>;
  private readonly vmis: Informer<VirtualMachineInstance>;

  constructor(
    private readonly deps: ControllerDeps,
    opts: ReplicaSetControllerOptions = {},
  ) {
    this.queue = newQueue('replicaset', deps, (k) => this.reconcile(k), opts.workers);
    this.sets = deps.informers.get<VirtualMachineInstanceReplicaSet>(PATHS.vmirs);
    this.vmis = deps.informers.get<VirtualMachineInstance>(PATHS.vmis);
    this.sets.addHandler(selfHandlers(this.queue));
    this.vmis.addHandler({
      add: (v) => this.onVMI(v, v.metadata?.deletionTimestamp ? 'del' : 'add'),
      update: (o, v) => {
        if (o.metadata?.resourceVersion === v.metadata?.resourceVersion) return;
        // A VMI being deleted counts as gone at once, so a replacement starts without waiting.
        this.onVMI(v, v.metadata?.deletionTimestamp && !o.metadata?.deletionTimestamp ? 'del' : undefined);
        if (JSON.stringify(o.metadata?.labels) !== JSON.stringify(v.metadata?.labels)) this.onVMI(o);
      },
      delete: (v) => this.onVMI(v, v.metadata?.deletionTimestamp ? undefined : 'del'),
    });
  }

  /** Enqueues the VMI's owner (observing expectations), or for an orphan every set selecting it. */
  private onVMI(vmi: VirtualMachineInstance, observe?: 'add' | 'del'): void {
    const ref = controllerRef(vmi);
    if (ref) {
      if (ref.kind !== KIND) return;
      const key = ownerKey(vmi, KIND) as string;
      if (this.sets.get(key)?.metadata?.uid !== ref.uid) return;
      if (observe === 'add') this.expectations.creationObserved(key);
      if (observe === 'del') this.expectations.deletionObserved(key);
      this.queue.add(key);
      return;
    }
    for (const rs of this.sets.list()) {
      if (rs.metadata?.namespace === vmi.metadata?.namespace && rs.spec.selector && selects(rs.spec.selector, vmi.metadata?.labels)) this.queue.add(keyOf(rs));
    }
  }

  async reconcile(key: string): Promise<void> {
    const rs = this.sets.get(key);
    if (!rs) {
      this.expectations.delete(key);
      return;
    }
    const problem = invalidSpec(rs);
    if (problem) {
      this.deps.log.error('replica set not acted on', { key, problem });
      return;
    }
    const needsSync = this.expectations.satisfied(key);
    const vmis = await this.claim(rs);
    const active = vmis.filter(isActive);
    let scaleError: Error | undefined;
    if (needsSync && !rs.spec.paused && !rs.metadata?.deletionTimestamp) {
      try {
        await this.scale(key, rs, active);
        const finished = vmis.filter(isFinished);
        if (finished.length > 0) await this.deleteAll(key, rs, finished.slice(0, BURST_REPLICAS), 'Deleted finished virtual machine');
      } catch (e) {
        scaleError = asError(e);
      }
    }
    await this.writeStatus(rs, active, scaleError);
    if (scaleError) throw scaleError;
  }

  /** The set's VMIs after adopting matching orphans and releasing owned ones that stopped matching. */
  private async claim(rs: VirtualMachineInstanceReplicaSet): Promise<VirtualMachineInstance[]> {
    const ns = rs.metadata?.namespace;
    const mine: VirtualMachineInstance[] = [];
    for (const vmi of this.vmis.list()) {
      if (vmi.metadata?.namespace !== ns) continue;
      const ref = controllerRef(vmi);
      const matches = selects(rs.spec.selector, vmi.metadata?.labels);
      if (ref?.uid === rs.metadata?.uid) {
        if (matches) mine.push(vmi);
        else await this.release(rs, vmi);
      } else if (!ref && matches && !rs.metadata?.deletionTimestamp && !vmi.metadata?.deletionTimestamp) {
        if (await this.adopt(rs, vmi)) mine.push(vmi);
      }
    }
    return mine;
  }

  private vmiPath(vmi: VirtualMachineInstance): string {
    return objectPath(PATHS.vmis, vmi.metadata?.namespace ?? 'default', vmi.metadata?.name ?? '');
  }

  /** Adds the controller reference, guarded on the VMI still having none (resourceVersion precondition). */
  private async adopt(rs: VirtualMachineInstanceReplicaSet, vmi: VirtualMachineInstance): Promise<boolean> {
    const ref = vmiFromReplicaSet(rs).metadata?.ownerReferences?.[0];
    const refs = [...(vmi.metadata?.ownerReferences ?? []), ref];
    try {
      await this.deps.client.patch(this.vmiPath(vmi), { metadata: { ownerReferences: refs, resourceVersion: vmi.metadata?.resourceVersion, uid: vmi.metadata?.uid } });
      return true;
    } catch (e) {
      ignoreNotFound(e);
      return false;
    }
  }

  private async release(rs: VirtualMachineInstanceReplicaSet, vmi: VirtualMachineInstance): Promise<void> {
    const refs = (vmi.metadata?.ownerReferences ?? []).filter((r) => r.uid !== rs.metadata?.uid);
    await this.deps.client.patch(this.vmiPath(vmi), { metadata: { ownerReferences: refs.length ? refs : null, resourceVersion: vmi.metadata?.resourceVersion } }).catch(ignoreNotFound);
  }

  private async scale(key: string, rs: VirtualMachineInstanceReplicaSet, active: VirtualMachineInstance[]): Promise<void> {
    const diff = replicaDiff(rs, active);
    if (diff > 0) await this.deleteAll(key, rs, deleteCandidates(active, diff), 'Stopped the virtual machine by deleting the virtual machine instance');
    if (diff < 0) await this.createMany(key, rs, Math.min(-diff, BURST_REPLICAS));
  }

  private async createMany(key: string, rs: VirtualMachineInstanceReplicaSet, n: number): Promise<void> {
    this.expectations.expectCreations(key, n);
    const path = objectPath(PATHS.vmis, rs.metadata?.namespace ?? 'default');
    const results = await Promise.allSettled(
      Array.from({ length: n }, async () => {
        try {
          const vmi = await this.deps.client.create<VirtualMachineInstance>(path, vmiFromReplicaSet(rs));
          recordEvent(this.deps, rs, 'Normal', 'SuccessfulCreate', `Started the virtual machine by creating the new virtual machine instance ${vmi.metadata?.name ?? ''}`);
        } catch (e) {
          this.expectations.lowerExpectations(key, 1, 0);
          recordEvent(this.deps, rs, 'Warning', 'FailedCreate', `Error creating virtual machine instance: ${asError(e).message}`);
          throw e;
        }
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw asError(failed.reason);
  }

  private async deleteAll(key: string, rs: VirtualMachineInstanceReplicaSet, victims: VirtualMachineInstance[], what: string): Promise<void> {
    this.expectations.expectDeletions(key, victims.length);
    const results = await Promise.allSettled(
      victims.map(async (v) => {
        try {
          await this.deps.client.delete(this.vmiPath(v), { body: { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: v.metadata?.uid } } });
          recordEvent(this.deps, rs, 'Normal', 'SuccessfulDelete', `${what} ${v.metadata?.uid ?? ''}`);
        } catch (e) {
          this.expectations.lowerExpectations(key, 0, 1);
          ignoreNotFound(e);
        }
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      recordEvent(this.deps, rs, 'Warning', 'FailedDelete', `Error deleting virtual machine instance: ${asError(failed.reason).message}`);
      throw asError(failed.reason);
    }
  }

  private async writeStatus(rs: VirtualMachineInstanceReplicaSet, active: VirtualMachineInstance[], scaleError: Error | undefined): Promise<void> {
    const status = computeRSStatus(rs, active, scaleError, this.deps.now());
    if (sameJSON(status, rs.status ?? {})) return;
    const path = `${objectPath(PATHS.vmirs, rs.metadata?.namespace ?? 'default', rs.metadata?.name ?? '')}/status`;
    await this.deps.client.replace(path, { ...rs, status }).catch(ignoreNotFound);
    const wasPaused = (rs.status?.conditions ?? []).some((c) => c.type === 'ReplicaPaused');
    if (!!rs.spec.paused !== wasPaused) recordEvent(this.deps, rs, 'Normal', rs.spec.paused ? SUCCESSFUL_PAUSED_REASON : SUCCESSFUL_RESUMED_REASON, rs.spec.paused ? 'Paused' : 'Resumed');
  }

  run(): void {
    for (const rs of this.sets.list()) this.queue.add(keyOf(rs));
  }

  stop(): void {
    this.queue.stop();
  }
}
