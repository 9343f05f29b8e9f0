/**
 * VirtualMachineInstancePresets (deprecated upstream, still applied): every preset of the VMI's
 * namespace whose selector matches its labels fills domain settings the VMI leaves unset, and the
 * VMI is annotated `virtualmachinepreset.kubevirt.io/<preset>: kubevirt.io/v1`
 * (pkg/virt-api/webhooks/mutating-webhook/mutators/preset.go).
 */
import { isDeepStrictEqual } from 'node:util';
import { StatusError } from '../../meta/index.js';
import type { VirtualMachineInstance } from '../vmi.js';
import type { VirtualMachineInstancePreset } from '../preset.js';
import type { DomainSpec } from '../vmi-spec.js';
import { API_VERSION, PRESET_ANNOTATION_PREFIX } from '../constants.js';
import { matchesLabelSelector } from '../label-selector.js';

/** Annotation value "true" keeps a VMI out of preset application. */
export const PRESET_EXCLUSION_ANNOTATION = 'virtualmachineinstancepresets.admission.kubevirt.io/exclude';
/** Warning returned when a VMI received presets. */
export const PRESET_DEPRECATION_WARNING = 'kubevirt.io/v1 VirtualMachineInstancePresets is now deprecated and will be removed in v2.';

const show = (v: unknown): string => JSON.stringify(v);

/** Conflicts between a preset's domain and a VMI's (or another preset's) domain, worded as upstream. */
export function presetConflicts(preset: DomainSpec, target: DomainSpec): string[] {
  const out: string[] = [];
  const presetReq = preset.resources?.requests ?? {};
  const targetReq = target.resources?.requests ?? {};
  for (const [k, v] of Object.entries(presetReq)) {
    if (k in targetReq && String(targetReq[k]) !== String(v)) out.push(`spec.resources.requests[${k}]: ${v} != ${targetReq[k]}`);
  }
  const pairs: readonly [string, unknown, unknown][] = [
    ['spec.cpu', preset.cpu, target.cpu],
    ['spec.firmware', preset.firmware, target.firmware],
    ['spec.features', preset.features, target.features],
    ['spec.devices.watchdog', preset.devices?.watchdog, target.devices?.watchdog],
    ['spec.ioThreadsPolicy', preset.ioThreadsPolicy, target.ioThreadsPolicy],
  ];
  for (const [field, a, b] of pairs) if (a !== undefined && b !== undefined && !isDeepStrictEqual(a, b)) out.push(`${field}: ${show(a)} != ${show(b)}`);
  if (preset.clock && target.clock) {
    const offset = (c: NonNullable<DomainSpec['clock']>) => ({ utc: c.utc, timezone: c.timezone });
    if (!isDeepStrictEqual(offset(preset.clock), offset(target.clock))) out.push(`spec.clock.clockoffset: ${show(offset(preset.clock))} != ${show(offset(target.clock))}`);
    if (preset.clock.timer && target.clock.timer && !isDeepStrictEqual(preset.clock.timer, target.clock.timer)) {
      out.push(`spec.clock.timer: ${show(preset.clock.timer)} != ${show(target.clock.timer)}`);
    }
  }
  return out;
}

/** Copies unset parts of `preset` into `domain`; true when the result carries the preset's values. */
function mergeDomain(preset: DomainSpec, domain: DomainSpec): boolean {
  let applied = false;
  const presetReq = preset.resources?.requests;
  if (presetReq && Object.keys(presetReq).length > 0) {
    const resources = (domain.resources ??= {});
    resources.requests ??= structuredClone(presetReq);
    if (isDeepStrictEqual(resources.requests, presetReq)) applied = true;
  }
  const copyIfUnset = <K extends 'cpu' | 'firmware' | 'features' | 'ioThreadsPolicy'>(k: K) => {
    if (preset[k] === undefined) return;
    if (domain[k] === undefined) domain[k] = structuredClone(preset[k]);
    if (isDeepStrictEqual(domain[k], preset[k])) applied = true;
  };
  copyIfUnset('cpu');
  copyIfUnset('firmware');
  if (preset.clock) {
    if (!domain.clock) {
      domain.clock = {};
      if (preset.clock.utc) domain.clock.utc = structuredClone(preset.clock.utc);
      if (preset.clock.timezone) domain.clock.timezone = preset.clock.timezone;
    }
    if (isDeepStrictEqual(domain.clock, preset.clock)) applied = true;
    if (preset.clock.timer) {
      domain.clock.timer ??= structuredClone(preset.clock.timer);
      if (isDeepStrictEqual(domain.clock.timer, preset.clock.timer)) applied = true;
    }
  }
  copyIfUnset('features');
  if (preset.devices?.watchdog) {
    domain.devices.watchdog ??= structuredClone(preset.devices.watchdog);
    if (isDeepStrictEqual(domain.devices.watchdog, preset.devices.watchdog)) applied = true;
  }
  copyIfUnset('ioThreadsPolicy');
  return applied;
}

/**
 * Applies the matching presets of the VMI's namespace to `vmi` (mutated). Throws a 422 StatusError
 * when two matching presets conflict. Returns the names of the presets applied.
 */
export function applyPresets(vmi: VirtualMachineInstance, presets: readonly VirtualMachineInstancePreset[]): string[] {
  const annotations = vmi.metadata?.annotations ?? {};
  if (annotations[PRESET_EXCLUSION_ANNOTATION] === 'true') return [];
  const ns = vmi.metadata?.namespace;
  const matching = presets.filter(
    (p) => (p.metadata?.namespace ?? ns) === ns && p.spec && matchesLabelSelector(p.spec.selector, vmi.metadata?.labels),
  );
  const errors: string[] = [];
  matching.forEach((p, i) => {
    for (const earlier of matching.slice(0, i)) {
      const c = presetConflicts(p.spec?.domain ?? { devices: {} }, earlier.spec?.domain ?? { devices: {} });
      if (c.length > 0) errors.push(`presets '${p.metadata?.name}' and '${earlier.metadata?.name}' conflict: ${c.length === 1 ? c[0] : `[${c.join(', ')}]`}`);
    }
  });
  if (errors.length > 0) {
    const all = errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`;
    throw new StatusError(422, 'Invalid', `VirtualMachinePresets cannot be applied due to conflicts: ${all}`);
  }
  const applied: string[] = [];
  for (const p of matching) {
    if (!p.spec?.domain || !mergeDomain(p.spec.domain, vmi.spec.domain)) continue;
    const meta = (vmi.metadata ??= {});
    (meta.annotations ??= {})[`${PRESET_ANNOTATION_PREFIX}${p.metadata?.name ?? ''}`] = API_VERSION;
    applied.push(p.metadata?.name ?? '');
  }
  return applied;
}
