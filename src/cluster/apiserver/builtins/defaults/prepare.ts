/**
 * What kube-apiserver's registry strategies do in PrepareForCreate: a new object's status is
 * not the client's to set, so it is reset (pods start Pending, namespaces Active). Nodes keep
 * theirs: the kubelet registers a node with its status.
 */
import type { KubeObject } from '../../../../api/meta/index.js';
import type { ResourceInfo } from '../../contracts.js';

const KEEPS_STATUS = new Set(['/Node', 'events.k8s.io/Event', '/Event']);

/** Clears `status` of a new built-in object that has a status subresource; defaultBuiltin then sets initial values. */
export function prepareBuiltinForCreate(info: Pick<ResourceInfo, 'group' | 'kind' | 'subresources'>, obj: KubeObject): void {
  if (!info.subresources.includes('status') || KEEPS_STATUS.has(`${info.group}/${info.kind}`)) return;
  delete obj.status;
}
