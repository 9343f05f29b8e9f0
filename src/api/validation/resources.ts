/**
 * Compute rules of a VMI spec (upstream vmi-create-admitter): memory and CPU requests/limits not
 * negative and requests <= limits, the 1M memory floor, hugepages, guest memory <= limit (Stage
 * rollout only), dedicated CPU placement, NUMA, realtime, emulator thread, CPU feature policies,
 * socket hotplug ceiling, and the memory a VMI must ask for at all.
 */
import type { FieldError, FieldPath } from '../meta/index.js';
import type { VirtualMachineInstanceSpec } from '../kubevirt/vmi-spec.js';
import { compareQuantities, parseQuantity, quantityMilliValue, quantityValue } from '../kubevirt/quantity.js';
import type { Quantity } from '../kubevirt/schema.js';
import { gateOn, invalidCause, notSupportedCause, requiredCause, showQuantity, vcpuCount, type ValidationConfig } from './cause.js';

type Spec = VirtualMachineInstanceSpec;
const req = (spec: Spec, k: string): Quantity | undefined => spec.domain?.resources?.requests?.[k];
const lim = (spec: Spec, k: string): Quantity | undefined => spec.domain?.resources?.limits?.[k];
const paths = (field: FieldPath) => ({
  reqMem: field.child('domain', 'resources', 'requests', 'memory'),
  limMem: field.child('domain', 'resources', 'limits', 'memory'),
  reqCpu: field.child('domain', 'resources', 'requests', 'cpu'),
  limCpu: field.child('domain', 'resources', 'limits', 'cpu'),
  cores: field.child('domain', 'cpu', 'cores'),
  dedicated: field.child('domain', 'cpu', 'dedicatedCpuPlacement'),
  numa: field.child('domain', 'cpu', 'numa', 'guestMappingPassthrough'),
  hugepagesSize: field.child('domain', 'hugepages', 'size'),
});
const mustBePositive = (f: FieldPath, q: Quantity | undefined) => invalidCause(f, `${String(f)} '${showQuantity(q)}': must be greater than or equal to 0.`);
const greaterThan = (a: FieldPath, qa: Quantity | undefined, b: FieldPath, qb: Quantity | undefined) =>
  invalidCause(a, `${String(a)} '${showQuantity(qa)}' is greater than ${String(b)} '${showQuantity(qb)}'`);

/** Memory and CPU requests and limits: non-negative, requests within limits, memory at least 1M. */
export function validateRequestsAndLimits(field: FieldPath, spec: Spec): FieldError[] {
  const p = paths(field);
  const errs: FieldError[] = [];
  const reqMem = quantityValue(req(spec, 'memory'));
  const limMem = quantityValue(lim(spec, 'memory'));
  if (reqMem < 0) errs.push(mustBePositive(p.reqMem, req(spec, 'memory')));
  else if (reqMem > 0 && compareQuantities(req(spec, 'memory')!, '1M') < 0) {
    errs.push(invalidCause(p.reqMem, `${String(p.reqMem)} '${showQuantity(req(spec, 'memory'))}': must be greater than or equal to 1M.`));
  }
  if (limMem < 0) errs.push(mustBePositive(p.limMem, lim(spec, 'memory')));
  if (limMem > 0 && reqMem > limMem) errs.push(greaterThan(p.reqMem, req(spec, 'memory'), p.limMem, lim(spec, 'memory')));
  const reqCpu = quantityMilliValue(req(spec, 'cpu'));
  const limCpu = quantityMilliValue(lim(spec, 'cpu'));
  if (reqCpu < 0) errs.push(mustBePositive(p.reqCpu, req(spec, 'cpu')));
  if (limCpu < 0) errs.push(mustBePositive(p.limCpu, lim(spec, 'cpu')));
  if (limCpu > 0 && reqCpu > limCpu) errs.push(greaterThan(p.reqCpu, req(spec, 'cpu'), p.limCpu, lim(spec, 'cpu')));
  return errs;
}

/** Hugepages: a parseable page size that the memory request is a multiple of. */
export function validateHugepages(field: FieldPath, spec: Spec): FieldError[] {
  const hp = spec.domain?.memory?.hugepages;
  if (!hp) return [];
  const p = paths(field);
  const size = parseQuantity(hp.pageSize ?? '');
  if (!size) return [invalidCause(p.hugepagesSize, `${String(p.hugepagesSize)} '${hp.pageSize ?? ''}': quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`)];
  const mem = quantityValue(req(spec, 'memory'));
  const page = Math.ceil(size.value);
  if (mem < page) {
    return [invalidCause(p.reqMem, `${String(p.reqMem)} '${showQuantity(req(spec, 'memory'))}' must be equal to or larger than page size ${String(p.hugepagesSize)} '${hp.pageSize ?? ''}'`)];
  }
  if (page > 0 && mem % page !== 0) {
    return [invalidCause(p.reqMem, `${String(p.reqMem)} '${showQuantity(req(spec, 'memory'))}' is not a multiple of the page size ${String(p.hugepagesSize)} '${hp.pageSize ?? ''}'`)];
  }
  return [];
}

/** memory.guest within the memory limit; upstream checks it only under the Stage rollout strategy. */
export function validateGuestMemoryLimit(field: FieldPath, spec: Spec, config: ValidationConfig): FieldError[] {
  const guest = spec.domain?.memory?.guest;
  if (config.vmRolloutStrategy === 'LiveUpdate' || guest === undefined) return [];
  const limit = quantityValue(lim(spec, 'memory'));
  if (limit === 0 || limit >= quantityValue(guest)) return [];
  const f = field.child('domain', 'memory', 'guest');
  return [invalidCause(f, `${String(f)} '${showQuantity(guest)}' must be equal to or less than the memory limit ${String(paths(field).limMem)} '${showQuantity(lim(spec, 'memory'))}'`)];
}

function validateDedicatedCPUs(field: FieldPath, spec: Spec, config: ValidationConfig): FieldError[] {
  const p = paths(field);
  const errs: FieldError[] = [];
  const reqMem = quantityValue(req(spec, 'memory'));
  const limMem = quantityValue(lim(spec, 'memory'));
  const reqCpu = quantityValue(req(spec, 'cpu'));
  const limCpu = quantityValue(lim(spec, 'cpu'));
  const vcpus = vcpuCount(spec.domain.cpu);
  if (limMem === 0 && reqMem === 0) errs.push(invalidCause(p.limMem, `${String(p.reqMem)} or ${String(p.limMem)} should be provided`));
  if (reqCpu > 0 && reqCpu * 1000 !== quantityMilliValue(req(spec, 'cpu'))) errs.push(invalidCause(p.reqCpu, 'provided resources CPU requests must be an interger'));
  if (limCpu > 0 && limCpu * 1000 !== quantityMilliValue(lim(spec, 'cpu'))) errs.push(invalidCause(p.limCpu, 'provided resources CPU limits must be an interger'));
  if (reqMem > 0 && limMem > 0 && reqMem !== limMem) errs.push(invalidCause(p.reqMem, `${String(p.reqMem)} must be equal to ${String(p.limMem)}`));
  if (reqCpu === 0 && limCpu === 0 && vcpus === 0) {
    errs.push(invalidCause(p.dedicated, `either ${String(p.reqCpu)} or ${String(p.limCpu)} or ${String(p.cores)} must be provided when DedicatedCPUPlacement is true `));
  }
  if (reqCpu > 0 && limCpu > 0 && reqCpu !== limCpu) {
    errs.push(invalidCause(p.dedicated, `${String(p.reqCpu)} or ${String(p.limCpu)} must be equal when DedicatedCPUPlacement is true `));
  }
  if ((reqCpu > 0 || limCpu > 0) && vcpus > 0 && reqCpu !== vcpus && limCpu !== vcpus) {
    errs.push(invalidCause(p.dedicated, `${String(p.reqCpu)} or ${String(p.limCpu)} must not be provided at the same time with ${String(p.cores)} when DedicatedCPUPlacement is true `));
  }
  const threads = spec.domain.cpu?.threads ?? 0;
  const arch = spec.architecture || config.defaultArchitecture;
  const threadsField = field.child('domain', 'cpu', 'threads');
  if (threads > 1 && arch === 'arm64') {
    errs.push(invalidCause(field.child('architecture'), `threads must not be greater than 1 at ${String(threadsField)} (got ${threads}) when ${String(field.child('architecture'))} is arm64`));
  }
  if (threads > 2) errs.push(invalidCause(p.dedicated, `Not more than two threads must be provided at ${String(threadsField)} (got ${threads}) when DedicatedCPUPlacement is true`));
  return errs;
}

function validateNUMAAndRealtime(field: FieldPath, spec: Spec, config: ValidationConfig): FieldError[] {
  const cpu = spec.domain.cpu;
  const p = paths(field);
  const errs: FieldError[] = [];
  if (cpu?.numa?.guestMappingPassthrough) {
    if (!gateOn(config, 'NUMA')) errs.push(invalidCause(p.numa, `NUMA feature gate is not enabled in kubevirt-config, invalid entry ${String(p.numa)}`));
    if (!cpu.dedicatedCpuPlacement) errs.push(invalidCause(p.numa, `${String(p.dedicated)} must be set to true when NUMA topology strategy is set in ${String(p.numa)}`));
    if (!spec.domain.memory?.hugepages) {
      errs.push(invalidCause(p.numa, `${String(field.child('domain', 'memory', 'hugepages'))} must be requested when NUMA topology strategy is set in ${String(p.numa)}`));
    }
  }
  if (cpu?.isolateEmulatorThread && !cpu.dedicatedCpuPlacement) {
    errs.push(invalidCause(field.child('domain', 'cpu', 'isolateEmulatorThread'), 'IsolateEmulatorThread should be only set in combination with DedicatedCPUPlacement'));
  }
  (cpu?.features ?? []).forEach((feature, i) => {
    const policy = (feature.policy as string | undefined) ?? '';
    if (!['', 'force', 'require', 'optional', 'disable', 'forbid'].includes(policy)) {
      errs.push(notSupportedCause(field.child('domain', 'cpu', 'features').index(i).child('policy'), `CPU feature ${feature.name} uses policy ${policy} that is not supported.`));
    }
  });
  if (cpu?.maxSockets && (cpu.sockets ?? 0) > cpu.maxSockets) {
    errs.push(invalidCause(field.child('domain', 'cpu', 'sockets'), 'Number of sockets in CPU topology is greater than the maximum sockets allowed'));
  }
  if (cpu?.realtime) {
    const rt = field.child('domain', 'cpu', 'realtime');
    if (!cpu.dedicatedCpuPlacement) errs.push(requiredCause(p.dedicated, `${String(p.dedicated)} must be set to true when ${String(rt)} is used`));
    if (!cpu.numa?.guestMappingPassthrough) errs.push(requiredCause(p.numa, `${String(p.numa)} must be defined when ${String(rt)} is used`));
  }
  return errs;
}

/** All compute rules of a VMI spec at `field` (`spec` or `spec.template.spec`). */
export function validateCompute(field: FieldPath, spec: Spec, config: ValidationConfig): FieldError[] {
  return [
    ...validateRequestsAndLimits(field, spec),
    ...validateHugepages(field, spec),
    ...validateGuestMemoryLimit(field, spec, config),
    ...(spec.domain?.cpu?.dedicatedCpuPlacement ? validateDedicatedCPUs(field, spec, config) : []),
    ...validateNUMAAndRealtime(field, spec, config),
  ];
}

/** VMI only (after defaulting): some memory must be asked for. */
export function validateMemoryPresent(field: FieldPath, spec: Spec): FieldError[] {
  if (quantityValue(req(spec, 'memory')) !== 0) return [];
  const mem = spec.domain?.memory;
  if (mem?.guest !== undefined || mem?.hugepages) return [];
  const msg = `no memory requested, at least one of '${String(field.child('domain', 'memory', 'guest'))}', '${String(field.child('domain', 'memory', 'hugepages', 'size'))}' or '${String(paths(field).reqMem)}' must be set`;
  return [requiredCause('', msg)];
}
