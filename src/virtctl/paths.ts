/**
 * URL paths virtctl calls, exactly as upstream's client-go (kubecli) builds them:
 * `/apis/subresources.kubevirt.io/v1/namespaces/NS/{virtualmachines|virtualmachineinstances}/NAME/SUB`.
 */
import { VirtctlError } from './errors.js';

export const SUBRESOURCE_GROUP = 'subresources.kubevirt.io';
export const SUBRESOURCE_VERSION = 'v1';

/** The two kinds subresources hang off. */
export type TargetKind = 'vm' | 'vmi';

const PLURAL: Readonly<Record<TargetKind, string>> = { vm: 'virtualmachines', vmi: 'virtualmachineinstances' };

/** Accepts vm, vms, virtualmachine(s), vmi, vmis, virtualmachineinstance(s), any case (as upstream). */
export function normalizeKind(kind: string): TargetKind {
  switch (kind.toLowerCase()) {
    case 'vm':
    case 'vms':
    case 'virtualmachine':
    case 'virtualmachines':
      return 'vm';
    case 'vmi':
    case 'vmis':
    case 'virtualmachineinstance':
    case 'virtualmachineinstances':
      return 'vmi';
    default:
      throw new VirtctlError(`unsupported resource type '${kind}'`);
  }
}

/** Path of a subresource of a VM or VMI; `sub` may contain slashes (`vnc/screenshot`, `portforward/22/tcp`). */
export function subresourcePath(kind: TargetKind, namespace: string, name: string, sub: string): string {
  return `/apis/${SUBRESOURCE_GROUP}/${SUBRESOURCE_VERSION}/namespaces/${encodeURIComponent(namespace)}/${PLURAL[kind]}/${encodeURIComponent(name)}/${sub}`;
}

/** Path of a kubevirt.io/v1 object (`virtualmachines`, `virtualmachineinstances`, `virtualmachineinstancereplicasets`). */
export function kubevirtPath(plural: string, namespace: string, name: string): string {
  return `/apis/kubevirt.io/v1/namespaces/${encodeURIComponent(namespace)}/${plural}/${encodeURIComponent(name)}`;
}

/** Path of the core/v1 services collection of a namespace. */
export function servicesPath(namespace: string): string {
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/services`;
}

/** `portforward/PORT/PROTOCOL`, the protocol always spelled out as upstream's client does. */
export function portForwardSub(port: number, protocol: string): string {
  return `portforward/${port}/${protocol}`;
}
