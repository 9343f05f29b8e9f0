/**
 * The Service registry's allocation steps as resource hooks: node ports on create, and on update
 * the type-change rules (stale node ports dropped, node ports given to a Service that now needs
 * them). Errors are 422 Invalid with kube-apiserver's field messages.
 */
import { invalidObject, type KubeObject } from '../../../api/meta/index.js';
import type { ResourceHooks } from '../registry/hooks.js';
import { dropStaleNodePorts, type NodePortAllocator } from './node-ports.js';

function assignOrThrow(nodePorts: NodePortAllocator, svc: KubeObject): void {
  const errs = nodePorts.assign(svc);
  if (errs.length > 0) throw invalidObject({ group: '', kind: 'Service' }, svc.metadata?.name ?? '', errs);
}

/** `hooks` of the services resource with node-port allocation added to create and update. */
export function withNodePorts(hooks: ResourceHooks, nodePorts: NodePortAllocator): ResourceHooks {
  const create = hooks.prepareForCreate?.bind(hooks);
  const update = hooks.prepareForUpdate?.bind(hooks);
  return {
    ...hooks,
    prepareForCreate: (obj) => {
      create?.(obj);
      assignOrThrow(nodePorts, obj);
    },
    prepareForUpdate: (obj, old) => {
      update?.(obj, old);
      dropStaleNodePorts(obj, old);
      assignOrThrow(nodePorts, obj);
    },
  };
}
