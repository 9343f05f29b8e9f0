/**
 * The VM subresources: start, stop, restart and expand-spec. Reads the VM and its VMI, plans with
 * lifecycle.ts and writes the plan (VMI grace period, VM spec, VM status, launcher pod), honouring
 * dryRun. Answers 202 Accepted with no body, as upstream.
 */
import type { VirtualMachine, VirtualMachineInstance } from '../../api/kubevirt/index.js';
import { StatusError, badRequest, type KubeObject } from '../../api/meta/index.js';
import type { KubeClient } from '../../client/kube-client.js';
import { internal, patchFailure, vmNotFound } from './errors.js';
import { typedOptions } from './http-io.js';
import { isDryRun, planRestart, planStart, planStop, type LifecyclePlan, type RestartOptions, type StartOptions, type StopOptions } from './lifecycle.js';

const KV = '/apis/kubevirt.io/v1';
const vmPath = (ns: string, name: string): string => `${KV}/namespaces/${encodeURIComponent(ns)}/virtualmachines/${encodeURIComponent(name)}`;
const vmiPath = (ns: string, name: string): string => `${KV}/namespaces/${encodeURIComponent(ns)}/virtualmachineinstances/${encodeURIComponent(name)}`;

/** GETs `path`; undefined on 404, other failures as a 500 naming what was read. */
async function getOptional<T>(client: KubeClient, path: string, what: string, name: string): Promise<T | undefined> {
  try {
    return await client.get<T>(path);
  } catch (e) {
    if (e instanceof StatusError && e.code === 404) return undefined;
    throw internal(new Error(`unable to retrieve ${what} [${name}]: ${e instanceof Error ? e.message : String(e)}`));
  }
}

/** The VM (404 as upstream when missing). */
export async function fetchVM(client: KubeClient, ns: string, name: string): Promise<VirtualMachine> {
  const vm = await getOptional<VirtualMachine>(client, vmPath(ns, name), 'vm', name);
  if (!vm) throw vmNotFound(name);
  return vm;
}

/** The VMI of the same name, if any. */
export const fetchVMIOptional = (client: KubeClient, ns: string, name: string): Promise<VirtualMachineInstance | undefined> =>
  getOptional<VirtualMachineInstance>(client, vmiPath(ns, name), 'vmi', name);

async function deleteLauncherPod(client: KubeClient, ns: string, vmi: VirtualMachineInstance): Promise<void> {
  const pods = await client.get<{ items?: KubeObject[] }>(`/api/v1/namespaces/${encodeURIComponent(ns)}/pods`, {
    query: { labelSelector: `kubevirt.io=virt-launcher,kubevirt.io/created-by=${vmi.metadata?.uid ?? ''}`, fieldSelector: 'status.phase==Running' },
  });
  const items = pods.items ?? [];
  const target = items.find((p) => p.metadata?.name === vmi.status?.migrationState?.targetPod) ?? items[0];
  if (!target?.metadata?.name) return;
  try {
    await client.delete(`/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(target.metadata.name)}`, { body: { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 1 } });
  } catch (e) {
    if (!(e instanceof StatusError && e.code === 404)) throw internal(e);
  }
}

/** Writes a plan; `dryRun` is passed to every patch (the pod deletion is skipped). */
export async function applyPlan(client: KubeClient, vm: VirtualMachine, vmi: VirtualMachineInstance | undefined, plan: LifecyclePlan, dryRun: boolean): Promise<void> {
  const ns = vm.metadata?.namespace ?? 'default';
  const name = vm.metadata?.name ?? '';
  const query = dryRun ? { dryRun: 'All' } : undefined;
  if (plan.vmiPatch && vmi) {
    await client.patch(vmiPath(ns, name), plan.vmiPatch, { query }).catch((e: unknown) => Promise.reject(internal(e)));
  }
  if (plan.vmPatch) await client.patch(vmPath(ns, name), plan.vmPatch, { query }).catch((e: unknown) => Promise.reject(patchFailure('vm', name, e)));
  if (plan.vmStatusPatch) {
    await client.patch(`${vmPath(ns, name)}/status`, plan.vmStatusPatch, { query }).catch((e: unknown) => Promise.reject(patchFailure('vm', name, e)));
  }
  if (plan.deleteLauncherPod && vmi && !dryRun) await deleteLauncherPod(client, ns, vmi);
}

/** start / stop / restart: options decoded from the body, then plan and apply. */
export async function vmLifecycle(client: KubeClient, action: 'start' | 'stop' | 'restart', ns: string, name: string, body: Record<string, unknown>): Promise<void> {
  const opts =
    action === 'start'
      ? typedOptions<StartOptions>('StartOptions', body, { paused: 'boolean', dryRun: 'strings' })
      : action === 'stop'
        ? typedOptions<StopOptions>('StopOptions', body, { gracePeriod: 'integer', dryRun: 'strings' })
        : typedOptions<RestartOptions>('RestartOptions', body, { gracePeriodSeconds: 'integer', dryRun: 'strings' });
  const vm = await fetchVM(client, ns, name);
  const vmi = await fetchVMIOptional(client, ns, name);
  const plan = action === 'start' ? planStart(vm, vmi, opts) : action === 'stop' ? planStop(vm, vmi, opts) : planRestart(vm, vmi, opts);
  await applyPlan(client, vm, vmi, plan, isDryRun(opts));
}

/**
 * expand-spec: the VM with its instancetype and preference applied. This server has no
 * instancetype API, so a VM referring to one is refused; any other VM is its own expansion.
 */
export function expandSpec(vm: VirtualMachine): VirtualMachine {
  const spec = vm.spec as { instancetype?: { name?: string }; preference?: { name?: string } };
  if (spec.instancetype) throw badRequest(`instancetype "${spec.instancetype.name ?? ''}" cannot be expanded: instancetype.kubevirt.io is not served`);
  if (spec.preference) throw badRequest(`preference "${spec.preference.name ?? ''}" cannot be expanded: instancetype.kubevirt.io is not served`);
  return vm;
}

/**
 * `PUT namespaces/<ns>/expand-vm-spec`: the VM in the body, expanded. Its namespace must be empty
 * or `ns` (then it is set to `ns`), as upstream.
 */
export function expandVMSpec(ns: string, body: Record<string, unknown>): VirtualMachine {
  const vm = body as unknown as VirtualMachine;
  if (body.kind !== 'VirtualMachine' || typeof body.spec !== 'object' || body.spec === null) throw badRequest('Object is not a valid VirtualMachine');
  const vmNs = vm.metadata?.namespace ?? '';
  if (vmNs !== '' && vmNs !== ns) throw badRequest(`VM namespace must be empty or ${ns}`);
  return expandSpec({ ...vm, metadata: { ...vm.metadata, namespace: ns } });
}
