/**
 * `status.printableStatus` of a VM (what `kubectl get vm` shows): upstream's ordered checks,
 * first match wins (pkg/virt-controller/watch/vm/vm.go setPrintableStatus).
 */
import { isVMIFinal, isVMIUnprocessed, vmiCondition, vmiConditionTrue, type VirtualMachine, type VirtualMachineInstance, type VirtualMachinePrintableStatus } from '../../api/kubevirt/index.js';
import type { PersistentVolumeClaim, Pod } from '../pod.js';
import { backoffLeftMs, startWanted, stopExpected } from './run-strategy.js';

/** Every printable status (upstream's VirtualMachinePrintableStatus values). */
export type PrintableStatus = VirtualMachinePrintableStatus;

/** Synchronized=False reasons the VMI controller sets, read back here. */
export const FAILED_PVC_NOT_FOUND_REASON = 'FailedPvcNotFound';
export const FAILED_DATA_VOLUME_NOT_FOUND_REASON = 'FailedDataVolumeNotFound';
export const ERR_IMAGE_PULL_REASON = 'ErrImagePull';
export const IMAGE_PULL_BACKOFF_REASON = 'ImagePullBackOff';

/** The DataVolume facts the status needs (cdi.kubevirt.io/v1beta1). */
export interface DataVolumeLike {
  readonly status?: { readonly phase?: string; readonly conditions?: readonly { readonly type: string; readonly status: string }[] };
}

/** Everything printableStatus looks at. */
export interface PrintableStatusInput {
  readonly vm: VirtualMachine;
  readonly vmi?: VirtualMachineInstance | undefined;
  readonly pod?: Pod | undefined;
  /** PVCs and DataVolumes by name, as the caches hold them (missing: not found). */
  readonly pvcs?: ReadonlyMap<string, PersistentVolumeClaim>;
  readonly dataVolumes?: ReadonlyMap<string, DataVolumeLike>;
  readonly now: Date;
}

const syncReason = (vmi: VirtualMachineInstance | undefined): string | undefined => {
  const c = vmi ? vmiCondition(vmi, 'Synchronized') : undefined;
  return c?.status === 'False' ? c.reason : undefined;
};

/** The waiting reason of the pod's compute container, if any (ErrImagePull, ImagePullBackOff...). */
function podWaitingReason(pod: Pod | undefined): string | undefined {
  const all = [...(pod?.status?.initContainerStatuses ?? []), ...(pod?.status?.containerStatuses ?? [])];
  return all.find((s) => s.state?.waiting?.reason)?.state?.waiting?.reason;
}

const templateVolumes = (vm: VirtualMachine) => vm.spec.template.spec?.volumes ?? [];
const claimNames = (vm: VirtualMachine): string[] =>
  templateVolumes(vm).flatMap((v) => {
    const n = v.persistentVolumeClaim?.claimName ?? v.dataVolume?.name ?? v.ephemeral?.persistentVolumeClaim?.claimName;
    return n ? [n] : [];
  });
const dataVolumeNames = (vm: VirtualMachine): string[] => templateVolumes(vm).flatMap((v) => (v.dataVolume ? [v.dataVolume.name] : []));
const dvBound = (dv: DataVolumeLike): boolean => (dv.status?.conditions ?? []).some((c) => c.type === 'Bound' && c.status === 'True');

type Check = (i: PrintableStatusInput) => boolean;
const running = (i: PrintableStatusInput) => i.vmi?.status?.phase === 'Running';
const startSet = (i: PrintableStatusInput) => (i.vmi ? !isVMIFinal(i.vmi) : startWanted(i.vm, undefined));

const CHECKS: readonly [PrintableStatus, Check][] = [
  ['Terminating', (i) => i.vm.metadata?.deletionTimestamp !== undefined],
  ['Stopping', (i) => i.vmi !== undefined && !isVMIFinal(i.vmi) && (i.vmi.metadata?.deletionTimestamp !== undefined || stopExpected(i.vm, i.vmi))],
  ['Migrating', (i) => i.vmi?.status?.migrationState !== undefined && i.vmi.status.migrationState.completed !== true && i.vmi.status.migrationState.failed !== true],
  ['Paused', (i) => running(i) && vmiConditionTrue(i.vmi!, 'Paused')],
  ['Running', (i) => running(i)],
  ['ErrorPvcNotFound', (i) => syncReason(i.vmi) === FAILED_PVC_NOT_FOUND_REASON],
  ['ErrorDataVolumeNotFound', (i) => syncReason(i.vmi) === FAILED_DATA_VOLUME_NOT_FOUND_REASON],
  ['DataVolumeError', (i) => dataVolumeNames(i.vm).some((n) => i.dataVolumes?.get(n)?.status?.phase === 'Failed')],
  ['ErrorUnschedulable', (i) => {
    const c = i.vmi ? vmiCondition(i.vmi, 'PodScheduled') : undefined;
    return c?.status === 'False' && c.reason === 'Unschedulable';
  }],
  ['Provisioning', (i) => dataVolumeNames(i.vm).some((n) => {
    const dv = i.dataVolumes?.get(n);
    return dv !== undefined && dvBound(dv) && dv.status?.phase !== 'Succeeded';
  })],
  ['WaitingForVolumeBinding', (i) => startSet(i) && claimNames(i.vm).some((n) => {
    const pvc = i.pvcs?.get(n);
    return pvc !== undefined && pvc.status?.phase !== 'Bound';
  })],
  ['ErrImagePull', (i) => syncReason(i.vmi) === ERR_IMAGE_PULL_REASON || podWaitingReason(i.pod) === ERR_IMAGE_PULL_REASON],
  ['ImagePullBackOff', (i) => syncReason(i.vmi) === IMAGE_PULL_BACKOFF_REASON || podWaitingReason(i.pod) === IMAGE_PULL_BACKOFF_REASON],
  ['Starting', (i) => {
    if (!i.vmi) return startWanted(i.vm, undefined) && backoffLeftMs(i.vm, i.now) === 0;
    const p = i.vmi.status?.phase;
    return isVMIUnprocessed(i.vmi) || p === 'Scheduling' || p === 'Scheduled';
  }],
  ['CrashLoopBackOff', (i) => {
    if (i.vmi && !isVMIFinal(i.vmi)) return false;
    const s = i.vm.spec.running === true ? 'Always' : i.vm.spec.runStrategy;
    return (i.vm.status?.startFailure?.consecutiveFailCount ?? 0) > 0 && (s === 'Always' || s === 'RerunOnFailure');
  }],
  ['Stopped', (i) => (i.vmi ? isVMIFinal(i.vmi) : !startWanted(i.vm, undefined) || backoffLeftMs(i.vm, i.now) > 0)],
];

/** The VM's printable status: the first of upstream's ordered checks that holds, else Unknown. */
export function printableStatus(input: PrintableStatusInput): PrintableStatus {
  return CHECKS.find(([, check]) => check(input))?.[0] ?? 'Unknown';
}
