import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../meta/index.js';
import type { VirtualMachineInstancePreset } from '../preset.js';
import type { DomainSpec } from '../vmi-spec.js';
import { DEFAULT_CLUSTER_CONFIG } from './cluster-config.js';
import { defaultVMI } from './vmi.js';
import { applyPresets, PRESET_DEPRECATION_WARNING, PRESET_EXCLUSION_ANNOTATION } from './presets.js';
import { applyJSONPatch, jsonPatchDiff } from './patch.js';
import { newVMI, withLabels, withResources } from './testing.js';
import type { LimitRange } from './limit-ranges.js';

const preset = (name: string, matchLabels: Record<string, string>, domain: Partial<DomainSpec>, namespace = 'default'): VirtualMachineInstancePreset => ({
  apiVersion: 'kubevirt.io/v1',
  kind: 'VirtualMachineInstancePreset',
  metadata: { name, namespace },
  spec: { selector: { matchLabels }, domain: { devices: {}, ...domain } },
});

test('matching presets fill unset domain fields and annotate the VMI', () => {
  const small = preset('small', { size: 'small' }, { resources: { requests: { memory: '128Mi' } }, cpu: { cores: 1 } });
  const other = preset('other-ns', { size: 'small' }, { cpu: { cores: 8 } }, 'elsewhere');
  const unrelated = preset('big', { size: 'big' }, { cpu: { cores: 4 } });
  const vmi = newVMI('a', withLabels({ size: 'small' }));
  const applied = applyPresets(vmi, [small, other, unrelated]);
  assert.deepEqual(applied, ['small']);
  assert.deepEqual(vmi.spec.domain.resources?.requests, { memory: '128Mi' });
  assert.deepEqual(vmi.spec.domain.cpu, { cores: 1 });
  assert.deepEqual(vmi.metadata?.annotations, { 'virtualmachinepreset.kubevirt.io/small': 'kubevirt.io/v1' });
});

test('a preset whose values the VMI overrides is not recorded as applied', () => {
  const vmi = newVMI('a', withLabels({ size: 'small' }), withResources({ requests: { memory: '1Gi' } }));
  assert.deepEqual(applyPresets(vmi, [preset('small', { size: 'small' }, { resources: { requests: { memory: '128Mi' } } })]), []);
  assert.deepEqual(vmi.spec.domain.resources?.requests, { memory: '1Gi' });
  assert.equal(vmi.metadata?.annotations, undefined);
});

test('the exclusion annotation keeps presets away', () => {
  const vmi = newVMI('a', withLabels({ size: 'small' }), (v) => (v.metadata!.annotations = { [PRESET_EXCLUSION_ANNOTATION]: 'true' }));
  assert.deepEqual(applyPresets(vmi, [preset('small', { size: 'small' }, { cpu: { cores: 1 } })]), []);
  assert.equal(vmi.spec.domain.cpu, undefined);
});

test('conflicting presets reject the VMI with 422', () => {
  const vmi = newVMI('a', withLabels({ size: 'small' }));
  const a = preset('a', { size: 'small' }, { cpu: { cores: 1 } });
  const b = preset('b', {}, { cpu: { cores: 2 } });
  assert.throws(
    () => applyPresets(vmi, [a, b]),
    (e: unknown) => e instanceof StatusError && e.code === 422 && e.message === `VirtualMachinePresets cannot be applied due to conflicts: presets 'b' and 'a' conflict: spec.cpu: {"cores":2} != {"cores":1}`,
  );
});

test('defaultVMI applies presets before defaults and warns about their deprecation', () => {
  const res = defaultVMI(newVMI('a', withLabels({ os: 'linux' })), DEFAULT_CLUSTER_CONFIG, {
    presets: [preset('linux', { os: 'linux' }, { resources: { requests: { memory: '64Mi' } } })],
    now: '2026-01-01T00:00:00Z',
  });
  assert.deepEqual(res.warnings, [PRESET_DEPRECATION_WARNING]);
  const input = newVMI('a', withLabels({ os: 'linux' }));
  const ops = jsonPatchDiff(input, res.object);
  assert.ok(ops.some((o) => o.path === '/metadata/annotations'), 'annotations added');
  assert.deepEqual(applyJSONPatch(input, ops), res.object, 'keys with "/" survive the patch');
  assert.ok(JSON.stringify(jsonPatchDiff(res.object, { ...res.object, metadata: { ...res.object.metadata, annotations: {} } })).includes('virtualmachinepreset.kubevirt.io~1linux'));
  assert.equal(res.object.spec.domain.memory?.guest, '64Mi');
  assert.deepEqual(defaultVMI(newVMI('b'), DEFAULT_CLUSTER_CONFIG).warnings, []);
});

test('namespace LimitRange defaults fill missing requests and limits before other defaults', () => {
  const lr: LimitRange = { metadata: { namespace: 'default' }, spec: { limits: [{ type: 'Container', default: { memory: '512Mi', cpu: '1' }, defaultRequest: { memory: '256Mi' } }, { type: 'Pod', default: { memory: '8Gi' } }] } };
  const other: LimitRange = { metadata: { namespace: 'other' }, spec: { limits: [{ type: 'Container', default: { memory: '1Gi' } }] } };
  const out = defaultVMI(newVMI('a', withResources({ limits: { cpu: '2' } })), DEFAULT_CLUSTER_CONFIG, { limitRanges: [other, lr], now: '2026-01-01T00:00:00Z' }).object;
  assert.deepEqual(out.spec.domain.resources?.limits, { cpu: '2', memory: '512Mi' });
  assert.deepEqual(out.spec.domain.resources?.requests, { cpu: '2', memory: '256Mi' });
  assert.equal(out.spec.domain.memory?.guest, '256Mi');
  const complete = newVMI('b', withResources({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } }));
  assert.deepEqual(defaultVMI(complete, DEFAULT_CLUSTER_CONFIG, { limitRanges: [lr] }).object.spec.domain.resources, complete.spec.domain.resources);
});
