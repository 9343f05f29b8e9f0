/**
 * The node heartbeat: virt-handler marks its Node schedulable with a fresh heartbeat annotation
 * every 60 s (upstream's period), labels what it can run, and advertises its device capacity.
 */
import { HEARTBEAT_ANNOTATION, KVM_DEVICE, NODE_SCHEDULABLE_LABEL, TUN_DEVICE, VHOST_NET_DEVICE } from '../api/kubevirt/constants.js';
import type { KubeClient } from '../client/kube-client.js';

/** Upstream's heartbeat period. */
export const HEARTBEAT_PERIOD_MS = 60_000;
/** Devices each node advertises (upstream's device plugins count 1000 of each). */
export const DEVICE_CAPACITY = '1000';
/** Label marking a node that runs guests with KVM, or only under software emulation. */
export const KVM_LABEL = 'kubevirt.io/kvm';
export const EMULATION_LABEL = 'kubevirt.io/software-emulation';

/** The metadata merge patch for one heartbeat. */
export function heartbeatPatch(now: Date, kvm: boolean): { metadata: { labels: Record<string, string | null>; annotations: Record<string, string> } } {
  return {
    metadata: {
      labels: { [NODE_SCHEDULABLE_LABEL]: 'true', [KVM_LABEL]: kvm ? 'true' : null, [EMULATION_LABEL]: kvm ? null : 'true' },
      annotations: { [HEARTBEAT_ANNOTATION]: now.toISOString().replace(/\.\d{3}Z$/, 'Z') },
    },
  };
}

/**
 * The node status merge patch advertising kvm/tun/vhost-net capacity. kvm is advertised under
 * emulation too, since launcher pods request it either way (the launcher falls back to TCG).
 */
export function capacityPatch(): { status: { capacity: Record<string, string>; allocatable: Record<string, string> } } {
  const devs: Record<string, string> = { [KVM_DEVICE]: DEVICE_CAPACITY, [TUN_DEVICE]: DEVICE_CAPACITY, [VHOST_NET_DEVICE]: DEVICE_CAPACITY };
  return { status: { capacity: devs, allocatable: { ...devs } } };
}

/** Sends one heartbeat: labels/annotation on the Node, then its device capacity. */
export async function beat(client: KubeClient, nodeName: string, kvm: boolean, now = new Date()): Promise<void> {
  const path = `/api/v1/nodes/${encodeURIComponent(nodeName)}`;
  await client.patch(path, heartbeatPatch(now, kvm));
  await client.patch(`${path}/status`, capacityPatch());
}
