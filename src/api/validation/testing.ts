/** Fixtures for validation tests: a valid defaulted VMI to break one field at a time, and a cause checker. */
import assert from 'node:assert/strict';
import type { FieldError } from '../meta/index.js';
import type { VirtualMachineInstance } from '../kubevirt/vmi.js';
import { clusterConfigFrom } from '../kubevirt/defaults/cluster-config.js';
import type { KubeVirtConfiguration } from '../kubevirt/kubevirt-config.js';
import type { ValidationConfig } from './cause.js';

/** A VMI as the mutating webhook leaves it: one containerDisk, masquerade on the pod network, 128Mi. */
export function validVMI(mod?: (v: VirtualMachineInstance) => void): VirtualMachineInstance {
  const vmi: VirtualMachineInstance = {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachineInstance',
    metadata: { name: 'testvmi', namespace: 'default' },
    spec: {
      architecture: 'amd64',
      domain: {
        machine: { type: 'q35' },
        resources: { requests: { memory: '128Mi' } },
        devices: {
          disks: [{ name: 'rootdisk', disk: { bus: 'virtio' } }],
          interfaces: [{ name: 'default', masquerade: {} }],
        },
      },
      networks: [{ name: 'default', pod: {} }],
      volumes: [{ name: 'rootdisk', containerDisk: { image: 'registry:5000/disk:latest' } }],
    },
  };
  mod?.(vmi);
  return vmi;
}

/** A cluster configuration from a KubeVirt `spec.configuration`. */
export const configWith = (c: KubeVirtConfiguration = {}): ValidationConfig => clusterConfigFrom(c);
/** A configuration with the given feature gates on. */
export const withGates = (...featureGates: string[]): ValidationConfig => configWith({ developerConfiguration: { featureGates } });

/** A cause as the tests state it: field path and message. */
export type Want = readonly [field: string, message: string];

/** Asserts `errs` are exactly `want` (field and message of each, in order). */
export function assertCauses(errs: readonly FieldError[], want: readonly Want[], name: string): void {
  assert.deepEqual(
    errs.map((e) => [e.field, e.message ?? e.detail]),
    want.map((w) => [...w]),
    name,
  );
}
