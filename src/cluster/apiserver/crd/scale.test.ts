import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../api/meta/index.js';
import { applyScale, scaleOf } from './scale.js';

const paths = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.labelSelector' };
const rs: KubeObject = {
  apiVersion: 'kubevirt.io/v1',
  kind: 'VirtualMachineInstanceReplicaSet',
  metadata: { name: 'rs', namespace: 'ns', uid: 'u1', resourceVersion: '7', creationTimestamp: '2025-01-01T00:00:00Z' },
  spec: { replicas: 3 },
  status: { replicas: 2, labelSelector: 'app=x' },
};

test('scaleOf reads replicas and selector from the CRD paths', () => {
  assert.deepEqual(scaleOf(rs, paths), {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: { name: 'rs', namespace: 'ns', uid: 'u1', resourceVersion: '7', creationTimestamp: '2025-01-01T00:00:00Z' },
    spec: { replicas: 3 },
    status: { replicas: 2, selector: 'app=x' },
  });
  assert.deepEqual(scaleOf({ metadata: { name: 'empty' } }, paths).spec, { replicas: 0 });
});

test('scaleOf reports a wrongly typed path like the unstructured accessors', () => {
  assert.throws(() => scaleOf({ ...rs, spec: { replicas: 'three' } }, paths), {
    message: '.spec.replicas accessor error: "three" is of the type string, expected int64',
  });
});

test('applyScale sets spec replicas (creating parents) and carries the resourceVersion', () => {
  const out = applyScale({ metadata: { name: 'rs', resourceVersion: '7' } }, { spec: { replicas: 5 }, metadata: { resourceVersion: '9' } }, paths);
  assert.deepEqual(out, { metadata: { name: 'rs', resourceVersion: '9' }, spec: { replicas: 5 } });
});

test('applyScale rejects negative replicas with a 422', () => {
  assert.throws(() => applyScale(rs, { spec: { replicas: -1 } }, paths), (e: Error & { code?: number }) => {
    assert.equal(e.code, 422);
    assert.equal(e.message, 'Scale.autoscaling "rs" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
    return true;
  });
});
