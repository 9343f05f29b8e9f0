import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError, type KubeObject } from '../../../api/meta/index.js';
import { resourceInfo } from '../selectors/test-fixtures.js';
import { createPatchModule } from './index.js';
import { rejects } from './test-helpers.js';

const t0 = new Date('2026-01-02T03:04:05.678Z');
const patches = createPatchModule({ now: () => t0 });
const deploy = resourceInfo('apps', 'Deployment');
const cmInfo = resourceInfo('', 'ConfigMap', { subresources: [] });

const deployment = (replicas: number, image: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'd', namespace: 'ns' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image, ports: [{ containerPort: 80 }] }] },
    },
    ...extra,
  },
});

const fieldsOf = (o: KubeObject, manager: string, operation = 'Apply'): unknown =>
  o.metadata?.managedFields?.find((e) => e.manager === manager && e.operation === operation)?.fieldsV1;
const managersOf = (o: KubeObject): string[] => (o.metadata?.managedFields ?? []).map((e) => `${e.manager}/${e.operation}`);

test('create by apply: the applier owns its config as FieldsV1, keyed lists by their keys', () => {
  const { object, managedFields } = patches.serverSideApply(deploy, undefined, deployment(2, 'nginx'), { manager: 'kubectl', force: false });
  assert.equal((object.spec as { replicas: number }).replicas, 2);
  assert.deepEqual(managedFields, [
    {
      manager: 'kubectl',
      operation: 'Apply',
      apiVersion: 'apps/v1',
      time: '2026-01-02T03:04:05Z',
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:spec': {
          'f:replicas': {},
          'f:selector': {},
          'f:template': {
            'f:metadata': { 'f:labels': { 'f:app': {} } },
            'f:spec': {
              'f:containers': {
                'k:{"name":"web"}': {
                  '.': {},
                  'f:image': {},
                  'f:name': {},
                  'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
                },
              },
            },
          },
        },
      },
    },
  ]);
  assert.deepEqual(object.metadata?.managedFields, managedFields);
});

test('an Update takes the fields it changes; applying them back is a conflict worded as kube-apiserver words it', () => {
  const applied = patches.serverSideApply(deploy, undefined, deployment(2, 'nginx'), { manager: 'kubectl', force: false }).object;
  const scaled = structuredClone(applied);
  (scaled.spec as { replicas: number }).replicas = 5;
  scaled.metadata = { ...scaled.metadata, managedFields: patches.updateManagedFields(deploy, applied, scaled, 'kube-controller-manager') };
  assert.deepEqual(fieldsOf(scaled, 'kube-controller-manager', 'Update'), { 'f:spec': { 'f:replicas': {} } });
  assert.equal((fieldsOf(scaled, 'kubectl') as { 'f:spec': Record<string, unknown> })['f:spec']['f:replicas'], undefined);
  assert.deepEqual(managersOf(scaled), ['kubectl/Apply', 'kube-controller-manager/Update']);

  assert.throws(
    () => patches.serverSideApply(deploy, scaled, deployment(2, 'nginx'), { manager: 'kubectl', force: false }),
    (e: unknown) => {
      assert.ok(e instanceof StatusError);
      assert.equal(e.code, 409);
      assert.equal(e.reason, 'Conflict');
      assert.equal(e.message, 'Apply failed with 1 conflict: conflict with "kube-controller-manager" using apps/v1: .spec.replicas');
      assert.deepEqual(e.details?.causes, [
        { reason: 'FieldManagerConflict', message: 'conflict with "kube-controller-manager" using apps/v1', field: '.spec.replicas' },
      ]);
      return true;
    },
  );

  // Same value as live: no conflict, shared ownership.
  const shared = patches.serverSideApply(deploy, scaled, deployment(5, 'nginx'), { manager: 'kubectl', force: false }).object;
  assert.ok((fieldsOf(shared, 'kubectl') as { 'f:spec': Record<string, unknown> })['f:spec']['f:replicas']);
  assert.deepEqual(fieldsOf(shared, 'kube-controller-manager', 'Update'), { 'f:spec': { 'f:replicas': {} } });

  // force=true takes ownership; the other manager, left with nothing, disappears.
  const forced = patches.serverSideApply(deploy, scaled, deployment(2, 'nginx'), { manager: 'kubectl', force: true }).object;
  assert.equal((forced.spec as { replicas: number }).replicas, 2);
  assert.deepEqual(managersOf(forced), ['kubectl/Apply']);
});

test('conflicts on several fields and managers are listed per manager', () => {
  const live = patches.serverSideApply(deploy, undefined, deployment(1, 'a'), { manager: 'alice', force: false }).object;
  const e = (() => {
    try {
      patches.serverSideApply(deploy, live, deployment(3, 'b'), { manager: 'bob', force: false });
    } catch (err) {
      return err;
    }
    return undefined;
  })();
  assert.ok(e instanceof StatusError);
  assert.equal(
    e.message,
    'Apply failed with 2 conflicts: conflicts with "alice":\n- .spec.replicas\n- .spec.template.spec.containers[name="web"].image',
  );
  assert.deepEqual(
    e.details?.causes?.map((c) => c.field),
    ['.spec.replicas', '.spec.template.spec.containers[name="web"].image'],
  );
});

test('fields dropped from an applier config are removed unless another manager owns them', () => {
  const cm = (labels: Record<string, string>, data: Record<string, string>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c', labels },
    data,
  });
  let live = patches.serverSideApply(cmInfo, undefined, cm({ a: '1', b: '2' }, { x: '1', y: '2' }), { manager: 'one', force: false }).object;
  live = patches.serverSideApply(cmInfo, live, cm({ b: '2' }, {}), { manager: 'two', force: false }).object;
  live = patches.serverSideApply(cmInfo, live, cm({ a: '1' }, { x: '1' }), { manager: 'one', force: false }).object;
  assert.deepEqual(live.metadata?.labels, { a: '1', b: '2' }, 'b stays: "two" still owns it');
  assert.deepEqual(live.data, { x: '1' }, 'y goes: nobody owns it any more');
  live = patches.serverSideApply(cmInfo, live, cm({}, {}), { manager: 'two', force: false }).object;
  assert.deepEqual(live.metadata?.labels, { a: '1' });
});

test('keyed list items dropped by the applier are removed; items from others stay', () => {
  const two = deployment(1, 'nginx');
  (two.spec as { template: { spec: { containers: unknown[] } } }).template.spec.containers.push({ name: 'sidecar', image: 'busybox' });
  let live = patches.serverSideApply(deploy, undefined, two, { manager: 'kubectl', force: false }).object;
  const edited = structuredClone(live);
  (edited.spec as { template: { spec: { containers: unknown[] } } }).template.spec.containers.push({ name: 'debug', image: 'alpine' });
  edited.metadata = { ...edited.metadata, managedFields: patches.updateManagedFields(deploy, live, edited, 'kubectl-edit') };
  live = patches.serverSideApply(deploy, edited, deployment(1, 'nginx'), { manager: 'kubectl', force: false }).object;
  const names = (live.spec as { template: { spec: { containers: { name: string }[] } } }).template.spec.containers.map((c) => c.name);
  assert.deepEqual(names, ['web', 'debug']);
});

test('updateManagedFields: maps added as a whole are members, subresources are separate managers', () => {
  const pods = resourceInfo('', 'Pod');
  const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } };
  const mf = patches.updateManagedFields(pods, undefined, pod, 'kubectl-create');
  assert.deepEqual(mf, [
    {
      manager: 'kubectl-create',
      operation: 'Update',
      apiVersion: 'v1',
      time: '2026-01-02T03:04:05Z',
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
        'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
      },
    },
  ]);
  const created = { ...pod, metadata: { ...pod.metadata, managedFields: mf } };
  const withStatus = { ...structuredClone(created), status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } };
  const mf2 = patches.updateManagedFields(pods, created, withStatus, 'kubelet', 'status');
  assert.deepEqual(mf2.map((e) => [e.manager, e.subresource]), [['kubectl-create', undefined], ['kubelet', 'status']]);
  assert.deepEqual(mf2[1]?.fieldsV1, {
    'f:status': { 'f:conditions': { 'k:{"type":"Ready"}': { '.': {}, 'f:status': {}, 'f:type': {} } }, 'f:phase': {} },
  });
  // Writing status through the main resource is not tracked (the status subresource owns it).
  assert.deepEqual(patches.updateManagedFields(pods, created, withStatus, 'someone').length, 1);
  // A no-op update keeps entries (and their times) as they were.
  assert.deepEqual(patches.updateManagedFields(pods, created, structuredClone(created), 'kubectl-create'), mf);
  // managedFields: [{}] resets them.
  assert.deepEqual(patches.updateManagedFields(pods, created, { ...created, metadata: { ...created.metadata, managedFields: [{}] } }, 'x'), []);
});

test('an object never applied before gets its fields owned by before-first-apply', () => {
  const legacy: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } };
  const { object } = patches.serverSideApply(cmInfo, legacy, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { b: '2' } }, { manager: 'kubectl', force: false });
  assert.deepEqual(object.data, { a: '1', b: '2' });
  assert.deepEqual(managersOf(object), ['kubectl/Apply', 'before-first-apply/Update']);
});

test('custom resources: lists are atomic, status is not applied through the main resource', () => {
  const vms = resourceInfo('kubevirt.io', 'VirtualMachine');
  const vm: KubeObject = { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name: 'v' }, spec: { items: [{ a: 1 }], running: true }, status: { ready: true } };
  const { object, managedFields } = patches.serverSideApply(vms, undefined, vm, { manager: 'm', force: false });
  assert.equal(object.status, undefined);
  assert.deepEqual(managedFields[0]?.fieldsV1, { 'f:spec': { 'f:items': {}, 'f:running': {} } });
});

test('apply configs are checked as kube-apiserver checks them', () => {
  rejects(
    () => patches.serverSideApply(cmInfo, undefined, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', managedFields: [] } }, { manager: 'm', force: false }),
    400,
    'BadRequest',
    'metadata.managedFields must be nil',
  );
  rejects(
    () => patches.serverSideApply(deploy, undefined, { ...deployment(1, 'x'), apiVersion: 'apps/v1beta1' }, { manager: 'm', force: false }),
    400,
    'BadRequest',
    'Incorrect version specified in apply patch. Specified patch version: apps/v1beta1, expected: apps/v1',
  );
  const noName = deployment(1, 'x');
  (noName.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec.containers = [{ image: 'x' }];
  rejects(
    () => patches.serverSideApply(deploy, undefined, noName, { manager: 'm', force: false }),
    500,
    '',
    'failed to create typed patch object (apps/v1, Kind=Deployment): .spec.template.spec.containers: element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)',
  );
});

test('re-applying the same config changes nothing; created-by-Update fields are shared when equal', () => {
  const created = deployment(2, 'nginx');
  created.metadata = { ...created.metadata, managedFields: patches.updateManagedFields(deploy, undefined, created, 'kubectl-create') };
  const first = patches.serverSideApply(deploy, created, deployment(2, 'nginx'), { manager: 'kubectl', force: false }).object;
  assert.deepEqual(managersOf(first), ['kubectl/Apply', 'kubectl-create/Update']);
  const again = patches.serverSideApply(deploy, first, deployment(2, 'nginx'), { manager: 'kubectl', force: false }).object;
  assert.deepEqual(again, first);
  rejects(
    () => patches.serverSideApply(deploy, first, deployment(2, 'httpd'), { manager: 'other', force: false }),
    409,
    'Conflict',
    'Apply failed with 2 conflicts: conflicts with "kubectl":\n- .spec.template.spec.containers[name="web"].image\n' +
      'conflicts with "kubectl-create" using apps/v1:\n- .spec.template.spec.containers[name="web"].image',
  );
});

test('set lists (finalizers) are owned per value and pruned per value', () => {
  const cm = (finalizers: string[]): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', finalizers } });
  let live = patches.serverSideApply(cmInfo, undefined, cm(['a/x', 'b/y']), { manager: 'one', force: false }).object;
  assert.deepEqual(fieldsOf(live, 'one'), { 'f:metadata': { 'f:finalizers': { 'v:"a/x"': {}, 'v:"b/y"': {} } } });
  live = patches.serverSideApply(cmInfo, live, cm(['c/z']), { manager: 'two', force: false }).object;
  assert.deepEqual(live.metadata?.finalizers, ['a/x', 'b/y', 'c/z']);
  live = patches.serverSideApply(cmInfo, live, cm(['b/y']), { manager: 'one', force: false }).object;
  assert.deepEqual(live.metadata?.finalizers, ['b/y', 'c/z']);
});

test('lists keyed only for apply (CRD spec.versions) are keyed in SSA and replaced by strategic merge', () => {
  const crds = resourceInfo('apiextensions.k8s.io', 'CustomResourceDefinition', { namespaced: false });
  const crd = (versions: Record<string, unknown>[]): KubeObject => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'ws.example.com' },
    spec: { group: 'example.com', versions },
  });
  const { object } = patches.serverSideApply(crds, undefined, crd([{ name: 'v1', served: true }]), { manager: 'm', force: false });
  assert.deepEqual((fieldsOf(object, 'm') as { 'f:spec': Record<string, unknown> })['f:spec']['f:versions'], {
    'k:{"name":"v1"}': { '.': {}, 'f:name': {}, 'f:served': {} },
  });
  const other = patches.serverSideApply(crds, object, crd([{ name: 'v2', served: true }]), { manager: 'n', force: false }).object;
  assert.deepEqual((other.spec as { versions: { name: string }[] }).versions.map((v) => v.name), ['v1', 'v2']);
  const smp = patches.applyPatch('strategic', crds, other, { spec: { versions: [{ name: 'v3' }] } });
  assert.deepEqual((smp.spec as { versions: unknown[] }).versions, [{ name: 'v3' }]);
});

test('apply through the status subresource applies and owns status only', () => {
  const pods = resourceInfo('', 'Pod');
  const live: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }] } };
  live.metadata = { ...live.metadata, managedFields: patches.updateManagedFields(pods, undefined, live, 'kubectl-create') };
  const config: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'other' }] }, status: { phase: 'Running' } };
  const { object, managedFields } = patches.serverSideApply(pods, live, config, { manager: 'kubelet', force: false, subresource: 'status' });
  assert.deepEqual(object.spec, live.spec);
  assert.deepEqual(object.status, { phase: 'Running' });
  const entry = managedFields.find((e) => e.manager === 'kubelet');
  assert.equal(entry?.subresource, 'status');
  assert.deepEqual(entry?.fieldsV1, { 'f:status': { 'f:phase': {} } });
});

test('apply orders keyed lists as structured-merge-diff does', () => {
  const withContainers = (names: string[]): KubeObject => {
    const d = deployment(1, 'x');
    (d.spec as { template: { spec: { containers: unknown[] } } }).template.spec.containers = names.map((name) => ({ name, image: 'i' }));
    return d;
  };
  const names = (o: KubeObject): string[] =>
    (o.spec as { template: { spec: { containers: { name: string }[] } } }).template.spec.containers.map((c) => c.name);
  const live = patches.serverSideApply(deploy, undefined, withContainers(['a', 'b', 'c']), { manager: 'one', force: false }).object;
  const table: [string[], string[]][] = [
    [['c', 'a'], ['b', 'c', 'a']],
    [['a', 'd'], ['a', 'b', 'c', 'd']],
    [['d', 'a'], ['d', 'a', 'b', 'c']],
    [['b', 'a', 'c'], ['b', 'a', 'c']],
  ];
  for (const [config, want] of table) {
    assert.deepEqual(names(patches.serverSideApply(deploy, live, withContainers(config), { manager: 'two', force: true }).object), want, config.join());
  }
});
