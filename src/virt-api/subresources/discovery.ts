/**
 * Discovery documents virt-api serves for subresources.kubevirt.io: the APIResourceList of the
 * group-version (names with a slash, as upstream, so RBAC tooling sees every subresource), the
 * APIGroup, the group list and the root paths.
 */
import { SUBRESOURCES_GROUP } from '../../api/kubevirt/constants.js';
import { BASE_PATH, GROUP_VERSION } from './routes.js';

/** Resource names listed by `GET /apis/subresources.kubevirt.io/v1` (those this server serves). */
export const DISCOVERY_RESOURCES: readonly string[] = [
  'expand-vm-spec',
  'virtualmachineinstances/console',
  'virtualmachineinstances/filesystemlist',
  'virtualmachineinstances/guestosinfo',
  'virtualmachineinstances/pause',
  'virtualmachineinstances/portforward',
  'virtualmachineinstances/reset',
  'virtualmachineinstances/softreboot',
  'virtualmachineinstances/unpause',
  'virtualmachineinstances/userlist',
  'virtualmachineinstances/vnc',
  'virtualmachineinstances/vnc/screenshot',
  'virtualmachines/expand-spec',
  'virtualmachines/portforward',
  'virtualmachines/restart',
  'virtualmachines/start',
  'virtualmachines/stop',
];

/** metav1.APIResourceList of subresources.kubevirt.io/v1. */
export function apiResourceList(): Record<string, unknown> {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: GROUP_VERSION,
    resources: DISCOVERY_RESOURCES.map((name) => ({ name, singularName: '', namespaced: true, kind: '', verbs: [] })),
  };
}

const groupVersion = { groupVersion: GROUP_VERSION, version: 'v1' };

/** metav1.APIGroup of subresources.kubevirt.io. */
export function apiGroup(): Record<string, unknown> {
  return {
    kind: 'APIGroup',
    apiVersion: 'v1',
    name: SUBRESOURCES_GROUP,
    versions: [groupVersion],
    preferredVersion: groupVersion,
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '' }],
  };
}

/** metav1.APIGroupList with the one group. */
export function apiGroupList(): Record<string, unknown> {
  const { kind: _kind, apiVersion: _apiVersion, ...group } = apiGroup();
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: [group] };
}

/** metav1.RootPaths. */
export function rootPaths(): Record<string, unknown> {
  return { paths: ['/apis', '/openapi/v2', `/apis/${SUBRESOURCES_GROUP}`, BASE_PATH] };
}
