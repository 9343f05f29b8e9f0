/**
 * Namespace LimitRange defaults copied into a VMI whose CPU or memory requests or limits are
 * incomplete, as upstream's mutator did (mutators/namespace-limits.go, after Kubernetes'
 * limitranger): Container-type `default` fills missing limits, `defaultRequest` missing requests.
 */
import type { VirtualMachineInstance } from '../vmi.js';
import type { ResourceList } from '../schema.js';

/** The parts of a core/v1 LimitRange this reads. */
export interface LimitRange {
  readonly metadata?: { readonly namespace?: string };
  readonly spec?: {
    readonly limits?: readonly { readonly type?: string; readonly default?: ResourceList; readonly defaultRequest?: ResourceList }[];
  };
}

const incomplete = (list: ResourceList | undefined): boolean => !list || !('memory' in list) || !('cpu' in list);

/** Applies the LimitRanges of the VMI's namespace to `vmi` (mutated). */
export function applyNamespaceLimitRanges(vmi: VirtualMachineInstance, limitRanges: readonly LimitRange[]): void {
  const resources = (vmi.spec.domain.resources ??= {});
  if (!incomplete(resources.limits) && !incomplete(resources.requests)) return;
  const ns = vmi.metadata?.namespace;
  for (const lr of limitRanges) {
    if ((lr.metadata?.namespace ?? ns) !== ns) continue;
    const limits = (resources.limits ??= {});
    const requests = (resources.requests ??= {});
    for (const item of lr.spec?.limits ?? []) {
      if (item.type !== 'Container') continue;
      for (const [k, v] of Object.entries(item.default ?? {})) if (!(k in limits)) limits[k] = v;
      for (const [k, v] of Object.entries(item.defaultRequest ?? {})) if (!(k in requests)) requests[k] = v;
    }
  }
  if (Object.keys(resources.limits ?? {}).length === 0) delete resources.limits;
  if (Object.keys(resources.requests ?? {}).length === 0) delete resources.requests;
}
