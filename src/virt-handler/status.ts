/**
 * The VMI status virt-handler owns, computed purely from the VMI and what its launcher reports,
 * and the guarded JSON patch that moves the stored status there. No I/O here.
 */
import type { VirtualMachineInstance } from '../api/kubevirt/index.js';
import type { VirtualMachineInstanceCondition, VirtualMachineInstanceNetworkInterface, VirtualMachineInstanceStatus } from '../api/kubevirt/vmi-status.js';
import type { DomainSummary } from '../launcher-rpc/index.js';

/** Everything status depends on besides the VMI. */
export interface StatusInputs {
  /** The launcher's domain, or null when it has none (not synced yet, or gone). */
  readonly domain: DomainSummary | null;
  /** Set when the launcher is gone for good (connection lost and its pod gone or failed). */
  readonly launcherLost?: { readonly reason: string; readonly message: string };
  readonly nodeName: string;
  /** The launcher pod's IP: masquerade interfaces report it (the guest is NATed behind it). */
  readonly podIP?: string;
  readonly podIPs?: readonly string[];
  readonly qosClass?: 'Guaranteed' | 'Burstable' | 'BestEffort';
  readonly launcherImage?: string;
  /** Access modes of the VMI's PVCs by claim name, when known (for LiveMigratable). */
  readonly pvcAccessModes?: Readonly<Record<string, readonly string[]>>;
  /** RFC3339 now, for condition transition times. */
  readonly now: string;
}

/** The status fields virt-handler writes; everything else belongs to virt-controller. */
export const HANDLER_OWNED_FIELDS = [
  'phase', 'reason', 'conditions', 'interfaces', 'guestOSInfo', 'launcherContainerImageVersion', 'machine', 'qosClass',
] as const;
type Owned = Pick<VirtualMachineInstanceStatus, (typeof HANDLER_OWNED_FIELDS)[number]>;

/**
 * Condition types virt-handler manages (others on the VMI are kept as they are). Ready is
 * virt-controller's alone, from the launcher pod and the Paused condition, as upstream.
 */
const HANDLER_CONDITIONS = new Set(['Paused', 'LiveMigratable', 'AgentConnected', 'SoftwareEmulation']);

const ACTIVE_STATES = new Set(['Running', 'Paused', 'Blocked', 'PMSuspended']);
const FINAL_PHASES = new Set(['Succeeded', 'Failed']);

/** Phase and reason from the domain state, as upstream: a crash is Failed, any other shutoff Succeeded. */
export function phaseFor(vmi: VirtualMachineInstance, inp: Pick<StatusInputs, 'domain' | 'launcherLost'>): { phase?: VirtualMachineInstanceStatus['phase']; reason?: string } {
  const current = vmi.status?.phase;
  if (current && FINAL_PHASES.has(current)) return { phase: current, reason: vmi.status?.reason };
  const d = inp.domain;
  if (d) {
    if (ACTIVE_STATES.has(d.state)) return { phase: 'Running' };
    if (d.state === 'Crashed' || (d.state === 'Shutoff' && (d.reason === 'Crashed' || d.reason === 'Failed'))) return { phase: 'Failed', reason: d.reason === 'Failed' ? 'Failed' : 'Crashed' };
    if (d.state === 'Shutoff' || d.state === 'Shutdown') {
      // Shut off before it ever ran (a fresh sync in progress) is not a result.
      return current === 'Running' ? { phase: 'Succeeded' } : { phase: current, reason: vmi.status?.reason };
    }
  }
  if (inp.launcherLost && (current === 'Running' || current === 'Scheduled')) return { phase: 'Failed', reason: inp.launcherLost.reason };
  return { phase: current, reason: vmi.status?.reason };
}

/** Why the VMI cannot live-migrate (upstream's LiveMigratable reasons), or undefined when it can. */
export function notMigratableReason(vmi: VirtualMachineInstance, pvcAccessModes: StatusInputs['pvcAccessModes'] = {}): { reason: string; message: string } | undefined {
  for (const v of vmi.spec.volumes ?? []) {
    if (v.hostDisk) return { reason: 'DisksNotLiveMigratable', message: `cannot migrate VMI with a hostDisk volume ${v.name}` };
    const claim = v.persistentVolumeClaim?.claimName ?? v.dataVolume?.name;
    const modes = claim ? pvcAccessModes[claim] : undefined;
    if (claim && modes && !modes.includes('ReadWriteMany')) {
      return { reason: 'DisksNotLiveMigratable', message: `cannot migrate VMI: PVC ${claim} is not shared, live migration requires that all PVCs must be shared (using ReadWriteMany access mode)` };
    }
  }
  const podNets = new Set((vmi.spec.networks ?? []).filter((n) => n.pod).map((n) => n.name));
  const allowBridge = vmi.metadata?.annotations?.['kubevirt.io/allow-pod-bridge-network-live-migration'] !== undefined;
  for (const i of vmi.spec.domain.devices.interfaces ?? []) {
    if (podNets.has(i.name) && i.bridge && !allowBridge) {
      return { reason: 'InterfaceNotLiveMigratable', message: 'cannot migrate VMI which does not use masquerade, bridge with kubevirt.io/allow-pod-bridge-network-live-migration VM annotation or a migratable plugin to connect to the pod network' };
    }
  }
  return undefined;
}

/** status.interfaces: one per spec interface, MAC from the domain, IPs from the agent or (masquerade) the pod. */
export function interfacesFor(vmi: VirtualMachineInstance, domain: DomainSummary | null, podIP?: string, podIPs?: readonly string[]): VirtualMachineInstanceNetworkInterface[] | undefined {
  if (!domain) return vmi.status?.interfaces;
  const specIfaces = vmi.spec.domain.devices.interfaces ?? [];
  return specIfaces.map((spec, idx) => {
    const dom = domain.interfaces.find((d) => d.name === spec.name) ?? domain.interfaces.find((d) => spec.macAddress && d.mac.toLowerCase() === spec.macAddress.toLowerCase()) ?? domain.interfaces[idx];
    const out: VirtualMachineInstanceNetworkInterface = { name: spec.name, infoSource: 'domain' };
    const mac = dom?.mac ?? spec.macAddress;
    if (mac) out.mac = mac;
    let ips: readonly string[] = dom?.ips ?? [];
    if (ips.length > 0) out.infoSource = 'domain, guest-agent';
    if (spec.masquerade && podIP) ips = podIPs && podIPs.length > 0 ? podIPs : [podIP];
    if (ips.length > 0) {
      out.ipAddress = ips[0];
      out.ipAddresses = [...ips];
    }
    return out;
  });
}

const OS_KEYS = ['name', 'kernelRelease', 'version', 'prettyName', 'versionId', 'kernelVersion', 'machine', 'id'] as const;

/** status.guestOSInfo from the guest agent's OS info, or what is stored when the agent says nothing. */
export function guestOSInfoFor(vmi: VirtualMachineInstance, domain: DomainSummary | null): VirtualMachineInstanceStatus['guestOSInfo'] {
  const os = domain?.guestInfo?.os;
  if (!os) return vmi.status?.guestOSInfo;
  const info: Record<string, string> = {};
  for (const k of OS_KEYS) if (os[k] !== undefined) info[k] = os[k];
  return info;
}

function cond(type: VirtualMachineInstanceCondition['type'], status: 'True' | 'False', now: string, old: readonly VirtualMachineInstanceCondition[], reason?: string, message?: string): VirtualMachineInstanceCondition {
  const prior = old.find((c) => c.type === type);
  const c: VirtualMachineInstanceCondition = { type, status, lastTransitionTime: prior && prior.status === status && prior.lastTransitionTime ? prior.lastTransitionTime : now };
  if (reason) c.reason = reason;
  if (message) c.message = message;
  return c;
}

/** The handler's conditions; other components' conditions on the VMI are preserved in order. */
export function conditionsFor(vmi: VirtualMachineInstance, phase: string | undefined, inp: StatusInputs): VirtualMachineInstanceCondition[] {
  const old = vmi.status?.conditions ?? [];
  const kept = old.filter((c) => !HANDLER_CONDITIONS.has(c.type));
  const d = inp.domain;
  const out: VirtualMachineInstanceCondition[] = [];
  const paused = d?.state === 'Paused';
  if (paused && phase === 'Running') {
    const byUser = d.reason === 'User' || d.reason === 'PausedByUser';
    out.push(cond('Paused', 'True', inp.now, old, byUser ? 'PausedByUser' : `Paused${d.reason}`, byUser ? 'VMI was paused by user' : `VMI was paused: ${d.reason}`));
  }
  if (phase === 'Running') {
    const nm = notMigratableReason(vmi, inp.pvcAccessModes);
    out.push(nm ? cond('LiveMigratable', 'False', inp.now, old, nm.reason, nm.message) : cond('LiveMigratable', 'True', inp.now, old));
    if (d?.guestInfo?.agentConnected) out.push(cond('AgentConnected', 'True', inp.now, old));
    if (d?.virtType === 'qemu') out.push(cond('SoftwareEmulation', 'True', inp.now, old, 'SoftwareEmulation', 'VMI is running with software emulation (TCG): /dev/kvm is not available'));
  }
  return [...kept, ...out];
}

/** The owned status fields as they should be. */
export function desiredStatus(vmi: VirtualMachineInstance, inp: StatusInputs): Owned {
  const { phase, reason } = phaseFor(vmi, inp);
  const s = vmi.status ?? {};
  const out: Owned = {
    phase,
    reason,
    conditions: conditionsFor(vmi, phase, inp),
    interfaces: interfacesFor(vmi, inp.domain, inp.podIP, inp.podIPs),
    guestOSInfo: guestOSInfoFor(vmi, inp.domain),
    launcherContainerImageVersion: inp.launcherImage ?? s.launcherContainerImageVersion,
    machine: vmi.spec.domain.machine?.type ? { type: vmi.spec.domain.machine.type } : s.machine,
    qosClass: inp.qosClass ?? s.qosClass,
  };
  return out;
}

/** One RFC 6902 operation. */
export type PatchOp =
  | { readonly op: 'test' | 'add' | 'replace'; readonly path: string; readonly value: unknown }
  | { readonly op: 'remove'; readonly path: string };

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The JSON patch from the stored status to `desired`, or [] when nothing changed. Each replaced or
 * removed field is guarded by a `test` of its stored value, so a concurrent writer makes the patch
 * fail (422) instead of being overwritten; the caller re-reads and retries.
 */
export function statusPatch(vmi: VirtualMachineInstance, desired: Owned): PatchOp[] {
  const ops: PatchOp[] = [];
  const cur = (vmi.status ?? {}) as Record<string, unknown>;
  if (!vmi.status) ops.push({ op: 'add', path: '/status', value: {} });
  for (const f of HANDLER_OWNED_FIELDS) {
    const want = desired[f];
    const have = cur[f];
    if (same(want, have)) continue;
    const path = `/status/${f}`;
    if (have !== undefined) ops.push({ op: 'test', path, value: have });
    if (want === undefined) ops.push({ op: 'remove', path });
    else ops.push({ op: have === undefined ? 'add' : 'replace', path, value: want });
  }
  return ops;
}
