/**
 * Probe and start-strategy rules (upstream validateProbe, the pod-network requirement of HTTP and
 * TCP probes, and validateStartStrategy).
 */
import type { FieldError, FieldPath } from '../meta/index.js';
import type { Probe, VirtualMachineInstanceSpec } from '../kubevirt/vmi-spec.js';
import { invalidCause, requiredCause } from './cause.js';
import { podNetworkOf } from './networks.js';

function validateProbe(field: FieldPath, probe: Probe | undefined): FieldError[] {
  if (!probe) return [];
  const handlers = [probe.httpGet, probe.tcpSocket, probe.exec, probe.guestAgentPing].filter((h) => h !== undefined && h !== null).length;
  if (handlers > 1) return [invalidCause(field, `${String(field)} must have exactly one probe type set`)];
  if (handlers < 1) {
    return [requiredCause(field, `either ${String(field.child('tcpSocket'))}, ${String(field.child('exec'))} or ${String(field.child('httpGet'))} must be set if a ${String(field)} is specified`)];
  }
  return [];
}

function needsPodNetwork(field: FieldPath, probe: Probe | undefined): FieldError[] {
  const errs: FieldError[] = [];
  if (probe?.httpGet) errs.push(invalidCause(field.child('httpGet'), `${String(field.child('httpGet'))} is only allowed if the Pod Network is attached`));
  if (probe?.tcpSocket) errs.push(invalidCause(field.child('tcpSocket'), `${String(field.child('tcpSocket'))} is only allowed if the Pod Network is attached`));
  return errs;
}

/** Readiness and liveness probes: one handler each; HTTP and TCP probes only with a pod network. */
export function validateProbes(field: FieldPath, spec: VirtualMachineInstanceSpec): FieldError[] {
  const errs = [...validateProbe(field.child('readinessProbe'), spec.readinessProbe), ...validateProbe(field.child('livenessProbe'), spec.livenessProbe)];
  if (!podNetworkOf(spec)) {
    errs.push(...needsPodNetwork(field.child('readinessProbe'), spec.readinessProbe), ...needsPodNetwork(field.child('livenessProbe'), spec.livenessProbe));
  }
  return errs;
}

/** startStrategy: only Paused, and not together with a liveness probe. */
export function validateStartStrategy(field: FieldPath, spec: VirtualMachineInstanceSpec): FieldError[] {
  const strategy = spec.startStrategy as string | undefined;
  if (strategy === undefined) return [];
  const f = field.child('startStrategy');
  if (strategy !== 'Paused') return [invalidCause(f, `${String(f)} is set with an unrecognized option: ${strategy}`)];
  if (spec.livenessProbe) {
    return [invalidCause(f, `either ${String(f)} or ${String(field.child('livenessProbe'))} should be provided.Pausing VMI with LivenessProbe is not supported`)];
  }
  return [];
}
