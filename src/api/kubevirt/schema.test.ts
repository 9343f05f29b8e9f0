import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateStructural } from '../crds/structural.js';
import {
  KubeVirtSchema,
  VirtualMachineInstanceMigrationSchema,
  VirtualMachineInstancePresetSchema,
  VirtualMachineInstanceReplicaSetSchema,
  VirtualMachineInstanceSchema,
  VirtualMachineSchema,
  type VirtualMachineInstance,
} from './index.js';

const kinds = {
  VirtualMachineInstance: VirtualMachineInstanceSchema,
  VirtualMachine: VirtualMachineSchema,
  VirtualMachineInstanceReplicaSet: VirtualMachineInstanceReplicaSetSchema,
  VirtualMachineInstanceMigration: VirtualMachineInstanceMigrationSchema,
  VirtualMachineInstancePreset: VirtualMachineInstancePresetSchema,
  KubeVirt: KubeVirtSchema,
};

/** Walks a JSON schema and reports nodes a structural CRD schema forbids (missing type outside int-or-string/preserve). */
function nonStructural(node: unknown, path: string, out: string[]): string[] {
  if (typeof node !== 'object' || node === null) return out;
  const s = node as Record<string, unknown>;
  if (s['type'] === undefined && s['x-kubernetes-int-or-string'] !== true && s['x-kubernetes-preserve-unknown-fields'] !== true) out.push(path);
  for (const [k, v] of Object.entries((s['properties'] as Record<string, unknown>) ?? {})) nonStructural(v, `${path}.${k}`, out);
  if (s['items']) nonStructural(s['items'], `${path}[]`, out);
  if (typeof s['additionalProperties'] === 'object') nonStructural(s['additionalProperties'], `${path}{}`, out);
  return out;
}

test('every kind schema is structural (each node typed, quantities int-or-string)', () => {
  for (const [kind, schema] of Object.entries(kinds)) {
    const json = JSON.parse(JSON.stringify(schema));
    assert.deepEqual(nonStructural(json, kind, []), [], kind);
  }
});

test('quantities accept integers and strings, and reject booleans', () => {
  const schema = JSON.parse(JSON.stringify(VirtualMachineInstanceSchema));
  const vmi: VirtualMachineInstance = {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachineInstance',
    metadata: { name: 'a' },
    spec: { domain: { devices: {}, resources: { requests: { memory: '64Mi', cpu: 1 } } } },
  };
  assert.deepEqual(validateStructural(schema, vmi), []);
  const bad = structuredClone(vmi) as unknown as { spec: { domain: { resources: { requests: Record<string, unknown> } } } };
  bad.spec.domain.resources.requests['memory'] = true;
  assert.deepEqual(validateStructural(schema, bad).map((e) => e.field), ['spec.domain.resources.requests[memory]']);
});

test('required fields follow upstream: devices in domain, domain in spec, name in disk', () => {
  const spec = JSON.parse(JSON.stringify(VirtualMachineInstanceSchema)).properties.spec;
  assert.deepEqual(spec.required, ['domain']);
  assert.deepEqual(spec.properties.domain.required, ['devices']);
  assert.deepEqual(spec.properties.domain.properties.devices.properties.disks.items.required, ['name']);
  assert.equal(spec.properties.domain.properties.devices.properties.disks.maxItems, 256);
});
