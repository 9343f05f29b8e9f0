import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../meta/index.js';
import { DEFAULT_CLUSTER_CONFIG, defaultVM, defaultVMI } from '../kubevirt/defaults/index.js';
import type { VirtualMachine, VirtualMachineInstance, VirtualMachineInstanceReplicaSet } from '../kubevirt/index.js';
import { checkAgainstCrd } from './schema-check.js';

const dir = new URL('../../../examples/', import.meta.url).pathname;
const NOW = '2026-01-01T00:00:00Z';

function examples(): { file: string; obj: KubeObject }[] {
  const out: { file: string; obj: KubeObject }[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      assert.deepEqual(doc.errors, [], file);
      out.push({ file, obj: doc.toJS() as KubeObject });
    }
  }
  return out;
}

const kubevirtObjects = () => examples().filter((e) => e.obj.apiVersion === 'kubevirt.io/v1');

/** The VMI the VM or replica set controller would create from a template. */
function vmiFromTemplate(name: string, template: VirtualMachine['spec']['template']): VirtualMachineInstance {
  return { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { ...(template.metadata ?? {}), name, namespace: 'default' }, spec: structuredClone(template.spec!) };
}

test('every example parses and conforms to its CRD schema', () => {
  const objs = kubevirtObjects();
  assert.ok(objs.length >= 12);
  for (const { file, obj } of objs) assert.deepEqual(checkAgainstCrd(obj), [], `${file} ${obj.kind}`);
});

test('defaulted examples still conform, and defaulting them again changes nothing', () => {
  for (const { file, obj } of kubevirtObjects()) {
    const vmis: VirtualMachineInstance[] = [];
    if (obj.kind === 'VirtualMachineInstance') vmis.push(obj as VirtualMachineInstance);
    if (obj.kind === 'VirtualMachine') {
      const vm = defaultVM(obj as VirtualMachine, DEFAULT_CLUSTER_CONFIG).object;
      assert.deepEqual(checkAgainstCrd(vm), [], file);
      vmis.push(vmiFromTemplate(vm.metadata!.name!, vm.spec.template));
    }
    if (obj.kind === 'VirtualMachineInstanceReplicaSet') {
      const rs = obj as VirtualMachineInstanceReplicaSet;
      vmis.push(vmiFromTemplate(`${rs.metadata!.name}-abcde`, rs.spec.template));
    }
    for (const vmi of vmis) {
      const once = defaultVMI(vmi, DEFAULT_CLUSTER_CONFIG, { now: NOW }).object;
      assert.deepEqual(checkAgainstCrd(once), [], `${file}: defaulted VMI`);
      assert.deepEqual(defaultVMI(once, DEFAULT_CLUSTER_CONFIG, { now: NOW }).object, once, `${file}: idempotent`);
    }
  }
});

test('the examples cover the common shapes', () => {
  const text = kubevirtObjects().map((e) => JSON.stringify(e.obj));
  const has = (needle: string) => text.some((t) => t.includes(needle));
  for (const needle of ['"containerDisk"', '"persistentVolumeClaim"', '"dataVolumeTemplates"', '"cloudInitNoCloud"', '"cloudInitConfigDrive"', '"multus"', '"efi"', '"kernelBoot"']) {
    assert.ok(has(needle), `an example uses ${needle}`);
  }
  const kinds = new Set(kubevirtObjects().map((e) => e.obj.kind));
  for (const k of ['VirtualMachineInstance', 'VirtualMachine', 'VirtualMachineInstanceReplicaSet', 'VirtualMachineInstanceMigration', 'KubeVirt']) assert.ok(kinds.has(k), k);
});
