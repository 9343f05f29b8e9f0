/**
 * The VM controller: creates and deletes the VM's VMI as its run strategy, state change
 * requests and start back-off say (run-strategy.ts), and writes created, ready, conditions,
 * startFailure and printableStatus (printable-status.ts) through the status subresource.
 */
import { runStrategyOf, vmiCondition, type VirtualMachine, type VirtualMachineInstance, type VirtualMachineStatus } from '../../api/kubevirt/index.js';
import type { KubeObject } from '../../api/meta/index.js';
import { Expectations } from '../../client/expectations.js';
import type { Informer } from '../../client/informer.js';
import type { WorkQueue, ReconcileResult } from '../../client/workqueue.js';
import { asError, ignoreNotFound, keyOf, newQueue, objectPath, ownedBy, ownedHandlers, ownerKey, PATHS, recordEvent, sameJSON, selfHandlers, type ControllerDeps } from '../common.js';
import type { PersistentVolumeClaim, Pod } from '../pod.js';
import { byName, launcherPodOf, vmiCaches, type VMICaches } from '../caches.js';
import { printableStatus, type DataVolumeLike } from './printable-status.js';
import { decideVMAction, nextStartFailure, remainingRequests, vmiFromTemplate } from './run-strategy.js';

export interface VMControllerOptions {
  readonly watchDataVolumes?: boolean;
  readonly workers?: number;
}

/** The VM's status from what is (pure apart from the random back-off jitter). */
export function computeVMStatus(
  vm: VirtualMachine,
  vmi: VirtualMachineInstance | undefined,
  pod: Pod | undefined,
  volumes: { pvcs?: ReadonlyMap<string, PersistentVolumeClaim>; dataVolumes?: ReadonlyMap<string, DataVolumeLike> },
  now: Date,
): VirtualMachineStatus {
  const status: VirtualMachineStatus = { ...structuredClone(vm.status ?? {}) };
  const startFailure = nextStartFailure(vm, vmi, now);
  if (startFailure) status.startFailure = startFailure;
  else delete status.startFailure;
  const requests = remainingRequests(vm, vmi);
  if (requests) status.stateChangeRequests = requests;
  else delete status.stateChangeRequests;
  status.created = vmi !== undefined;
  const ready = vmi ? vmiCondition(vmi, 'Ready') : undefined;
  status.ready = vmi !== undefined && ready?.status === 'True';
  const own = (status.conditions ?? []).filter((c) => c.type === 'Failure' || c.type === 'RestartRequired' || c.type === 'ManualRecoveryRequired');
  const copied = (vmi?.status?.conditions ?? []).filter((c) => c.type !== 'Ready');
  const readyCond = ready ?? { type: 'Ready' as const, status: 'False' as const, reason: vmi ? 'VMIConditionMissing' : 'VMINotExists', message: vmi ? 'VMI is missing the Ready condition' : 'VMI does not exist' };
  status.conditions = [readyCond, ...copied, ...own];
  status.printableStatus = printableStatus({ vm: { ...vm, status }, vmi, pod, ...volumes, now });
  try {
    status.runStrategy = runStrategyOf(vm);
  } catch {
    // running and runStrategy both set: the webhook refuses it; leave the field as it was.
  }
  return status;
}

export class VMController {
  readonly queue: WorkQueue;
  private readonly expectations = new Expectations();
  private readonly vms: Informer<VirtualMachine>;
  private readonly c: VMICaches;

  constructor(
    private readonly deps: ControllerDeps,
    opts: VMControllerOptions = {},
  ) {
    this.queue = newQueue('vm', deps, (k) => this.reconcile(k), opts.workers);
    this.vms = deps.informers.get<VirtualMachine>(PATHS.vms);
    this.c = vmiCaches(deps.informers, opts.watchDataVolumes);
    const enqueue = (o: KubeObject) => this.queue.add(keyOf(o));
    this.vms.addHandler(selfHandlers(this.queue));
    const vmiHandlers = ownedHandlers<VirtualMachineInstance>('VirtualMachine', this.queue, this.expectations);
    this.c.vmis.addHandler(vmiHandlers);
    const fromVMI = (v: VirtualMachineInstance) => vmiHandlers.update?.(v, v);
    const fromPod = (p: Pod) => {
      const vmiKey = ownerKey(p, 'VirtualMachineInstance');
      const vmi = vmiKey ? this.c.vmis.get(vmiKey) : undefined;
      if (vmi) fromVMI(vmi);
    };
    this.c.pods.addHandler({ add: fromPod, update: (_, p) => fromPod(p), delete: fromPod });
    const all = () => this.vms.list().forEach(enqueue);
    this.c.pvcs.addHandler({ add: all, update: all, delete: all });
    this.c.dvs?.addHandler({ add: all, update: all, delete: all });
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const vm = this.vms.get(key);
    if (!vm) {
      this.expectations.delete(key);
      return;
    }
    if (!this.expectations.satisfied(key)) return;
    const ns = vm.metadata?.namespace ?? 'default';
    const found = this.c.vmis.get(key);
    const vmi = found && ownedBy(found, vm.metadata?.uid) ? found : undefined;
    const now = this.deps.now();
    const action = decideVMAction(vm, vmi, now);
    let error: unknown;
    try {
      if (action.kind === 'create') await this.createVMI(key, vm);
      if (action.kind === 'delete' && vmi) await this.deleteVMI(key, vm, vmi, action.reason);
    } catch (e) {
      error = e;
    }
    const pod = vmi ? launcherPodOf(this.c.pods, vmi) : undefined;
    const status = computeVMStatus(vm, vmi, pod, { pvcs: byName(this.c.pvcs, ns), dataVolumes: byName(this.c.dvs, ns) }, now);
    if (!sameJSON(status, vm.status ?? {})) {
      await this.deps.client.replace(`${objectPath(PATHS.vms, ns, vm.metadata?.name ?? '')}/status`, { ...vm, status }).catch(ignoreNotFound);
    }
    if (error !== undefined) throw asError(error);
    return action.kind === 'none' && action.requeueAfterMs ? { requeueAfterMs: action.requeueAfterMs } : undefined;
  }

  private async createVMI(key: string, vm: VirtualMachine): Promise<void> {
    this.expectations.expectCreations(key, 1);
    try {
      const vmi = await this.deps.client.create<VirtualMachineInstance>(objectPath(PATHS.vmis, vm.metadata?.namespace ?? 'default'), vmiFromTemplate(vm));
      recordEvent(this.deps, vm, 'Normal', 'SuccessfulCreate', `Started the virtual machine by creating the new virtual machine instance ${vmi.metadata?.name ?? ''}`);
    } catch (e) {
      this.expectations.lowerExpectations(key, 1, 0);
      recordEvent(this.deps, vm, 'Warning', 'FailedCreate', `Error creating virtual machine instance: ${e instanceof Error ? e.message : String(e)}`);
      throw e;
    }
  }

  private async deleteVMI(key: string, vm: VirtualMachine, vmi: VirtualMachineInstance, reason: string): Promise<void> {
    this.expectations.expectDeletions(key, 1);
    try {
      await this.deps.client.delete(objectPath(PATHS.vmis, vmi.metadata?.namespace ?? 'default', vmi.metadata?.name ?? ''), {
        body: { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: vmi.metadata?.uid } },
      });
      recordEvent(this.deps, vm, 'Normal', 'SuccessfulDelete', `Stopped the virtual machine by deleting the virtual machine instance ${vmi.metadata?.uid ?? ''}: ${reason}`);
    } catch (e) {
      this.expectations.lowerExpectations(key, 0, 1);
      ignoreNotFound(e);
    }
  }

  run(): void {
    for (const v of this.vms.list()) this.queue.add(keyOf(v));
  }

  stop(): void {
    this.queue.stop();
  }
}
