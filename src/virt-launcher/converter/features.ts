/** `<features>`: ACPI, APIC, SMM (forced on for secure boot), Hyper-V enlightenments, hidden KVM, pvspinlock, vmport. */
import type { FeatureState, VirtualMachineInstanceSpec } from '../../api/kubevirt/index.js';
import type { FeaturesSpec, HypervSpec, OnOff, StateEl } from './types.js';

const onOff = (enabled: boolean | undefined): OnOff => (enabled === false ? 'off' : 'on');
const stateOf = (fs: FeatureState | undefined): StateEl | undefined => (fs ? { $: { state: onOff(fs.enabled) } } : undefined);

type Hyperv = NonNullable<NonNullable<VirtualMachineInstanceSpec['domain']['features']>['hyperv']>;

/** The `<hyperv>` children for the enlightenments the VMI lists (absent ones stay at QEMU's default). */
export function convertHyperv(hv: Hyperv): HypervSpec {
  const out: HypervSpec = {};
  const simple = ['relaxed', 'vapic', 'vpindex', 'runtime', 'synic', 'reset', 'frequencies', 'reenlightenment', 'ipi', 'evmcs'] as const;
  for (const k of simple) {
    const s = stateOf(hv[k]);
    if (s) out[k] = s;
  }
  if (hv.spinlocks) {
    const state = onOff(hv.spinlocks.enabled);
    out.spinlocks = { $: { state, ...(state === 'on' ? { retries: hv.spinlocks.spinlocks ?? 4096 } : {}) } };
  }
  if (hv.synictimer) out.stimer = { $: { state: onOff(hv.synictimer.enabled) }, ...(hv.synictimer.direct ? { direct: stateOf(hv.synictimer.direct)! } : {}) };
  if (hv.vendorid) {
    const state = onOff(hv.vendorid.enabled);
    out.vendor_id = { $: { state, ...(state === 'on' && hv.vendorid.vendorid ? { value: hv.vendorid.vendorid } : {}) } };
  }
  if (hv.tlbflush) {
    out.tlbflush = {
      $: { state: onOff(hv.tlbflush.enabled) },
      ...(hv.tlbflush.direct ? { direct: stateOf(hv.tlbflush.direct)! } : {}),
      ...(hv.tlbflush.extended ? { extended: stateOf(hv.tlbflush.extended)! } : {}),
    };
  }
  return out;
}

/**
 * `<features>` of the VMI; `secureBoot` forces SMM on, as OVMF's secure-boot build needs it.
 * `tbCacheMiB` (software emulation only) caps QEMU's TCG translation cache, which otherwise grows
 * towards QEMU's 1 GiB default and dominates a small guest's fixed memory.
 */
export function convertFeatures(spec: VirtualMachineInstanceSpec, architecture: string, secureBoot: boolean, tbCacheMiB?: number): FeaturesSpec {
  const f = spec.domain.features ?? {};
  const x86 = architecture === 'amd64';
  const out: FeaturesSpec = {};
  if (f.acpi?.enabled !== false) out.acpi = {};
  if (x86 && f.apic?.enabled !== false) out.apic = f.apic?.endOfInterrupt ? { $: { eoi: 'on' } } : {};
  if (f.hypervPassthrough?.enabled) out.hyperv = { $: { mode: 'passthrough' } };
  else if (f.hyperv) out.hyperv = convertHyperv(f.hyperv);
  if (f.kvm?.hidden) out.kvm = { hidden: { $: { state: 'on' } } };
  if (f.pvspinlock) out.pvspinlock = stateOf(f.pvspinlock)!;
  if (secureBoot || (f.smm && f.smm.enabled !== false)) out.smm = { $: { state: 'on' } };
  if (x86) out.vmport = { $: { state: 'off' } };
  if (tbCacheMiB !== undefined) out.tcg = { 'tb-cache': { $: { unit: 'MiB' }, _: tbCacheMiB } };
  return out;
}
