import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../api/meta/index.js';
import type { ResourceInfo } from '../contracts.js';
import { applyPatch, patchTypeOf } from './index.js';
import { rejects } from './test-helpers.js';
import { resourceInfo } from '../selectors/test-fixtures.js';

const info = (group: string, kind: string): ResourceInfo => resourceInfo(group, kind);
const podInfo = info('', 'Pod');
const smp = (live: KubeObject, patch: unknown, i: ResourceInfo = podInfo): KubeObject => applyPatch('strategic', i, live, patch);

const livePod = (): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', labels: { app: 'web', tier: 'fe' }, finalizers: ['a/x', 'b/y'], ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'o', uid: 'u1' }] },
  spec: {
    containers: [
      { name: 'a', image: 'x', env: [{ name: 'E1', value: '1' }, { name: 'E2', value: '2' }], ports: [{ containerPort: 80 }] },
      { name: 'b', image: 'y' },
    ],
    volumes: [{ name: 'v', emptyDir: {} }],
    tolerations: [{ key: 'k1', operator: 'Exists' }],
  },
  status: { conditions: [{ type: 'Ready', status: 'False' }, { type: 'PodScheduled', status: 'True' }] },
});

type Pick = (o: KubeObject) => unknown;
const spec = (o: KubeObject): Record<string, unknown> => o.spec as Record<string, unknown>;
const containers = (o: KubeObject): Record<string, unknown>[] => spec(o).containers as Record<string, unknown>[];
const names = (o: KubeObject): unknown[] => containers(o).map((c) => c.name);

test('strategic merge: lists merge by patchMergeKey, scalars as sets, untagged lists replace', () => {
  const table: [string, unknown, Pick, unknown][] = [
    ['merge container by name', { spec: { containers: [{ name: 'b', image: 'z' }] } }, (o) => containers(o)[1], { name: 'b', image: 'z' }],
    ['new container goes before server-only ones', { spec: { containers: [{ name: 'c', image: 'w' }] } }, names, ['c', 'a', 'b']],
    ['env merges by name inside a container', { spec: { containers: [{ name: 'a', env: [{ name: 'E2', value: 'two' }] }] } }, (o) => containers(o)[0]?.env, [{ name: 'E1', value: '1' }, { name: 'E2', value: 'two' }]],
    ['ports merge by containerPort', { spec: { containers: [{ name: 'a', ports: [{ containerPort: 80, name: 'http' }] }] } }, (o) => containers(o)[0]?.ports, [{ containerPort: 80, name: 'http' }]],
    ['tolerations (no strategy) replace', { spec: { tolerations: [{ key: 'k2', operator: 'Exists' }] } }, (o) => spec(o).tolerations, [{ key: 'k2', operator: 'Exists' }]],
    ['finalizers merge as a set', { metadata: { finalizers: ['c/z', 'a/x'] } }, (o) => o.metadata?.finalizers, ['c/z', 'a/x', 'b/y']],
    ['ownerReferences merge by uid', { metadata: { ownerReferences: [{ uid: 'u1', controller: true }] } }, (o) => o.metadata?.ownerReferences, [{ apiVersion: 'v1', kind: 'X', name: 'o', uid: 'u1', controller: true }]],
    ['conditions merge by type', { status: { conditions: [{ type: 'Ready', status: 'True' }] } }, (o) => (o.status as { conditions: unknown }).conditions, [{ type: 'Ready', status: 'True' }, { type: 'PodScheduled', status: 'True' }]],
    ['null deletes a key', { metadata: { labels: { tier: null } } }, (o) => o.metadata?.labels, { app: 'web' }],
    ['nulls in new values are dropped', { spec: { nodeSelector: { a: 'b', c: null } } }, (o) => spec(o).nodeSelector, { a: 'b' }],
    ['scalar replaces map', { spec: { containers: [{ name: 'a', image: 'q' }] }, status: 'x' }, (o) => o.status, 'x'],
  ];
  for (const [name, patch, pick, want] of table) assert.deepEqual(pick(smp(livePod(), patch)), want, name);
});

test('strategic merge directives: $patch, $setElementOrder, $deleteFromPrimitiveList, $retainKeys', () => {
  const table: [string, unknown, Pick, unknown][] = [
    ['$patch: delete removes a list element by key', { spec: { containers: [{ $patch: 'delete', name: 'a' }] } }, names, ['b']],
    ['$patch: replace replaces a list', { spec: { containers: [{ name: 'c', image: 'w' }, { $patch: 'replace' }] } }, (o) => containers(o), [{ name: 'c', image: 'w' }]],
    ['$patch: replace replaces a map', { metadata: { labels: { $patch: 'replace', only: 'me' } } }, (o) => o.metadata?.labels, { only: 'me' }],
    ['$patch: delete empties a map', { metadata: { labels: { $patch: 'delete' } } }, (o) => o.metadata?.labels, {}],
    ['$setElementOrder orders the merged list', { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'c' }, { name: 'a' }], containers: [{ name: 'c', image: 'w' }] } }, names, ['b', 'c', 'a']],
    [
      '$setElementOrder with a deletion',
      { spec: { '$setElementOrder/containers': [{ name: 'b' }], containers: [{ $patch: 'delete', name: 'a' }] } },
      names,
      ['b'],
    ],
    ['$deleteFromPrimitiveList removes scalars', { metadata: { '$deleteFromPrimitiveList/finalizers': ['a/x'] } }, (o) => o.metadata?.finalizers, ['b/y']],
    [
      '$retainKeys clears fields of a volume that changed source',
      { spec: { '$setElementOrder/volumes': [{ name: 'v' }], volumes: [{ name: 'v', hostPath: { path: '/x' }, $retainKeys: ['hostPath', 'name'] }] } },
      (o) => spec(o).volumes,
      [{ name: 'v', hostPath: { path: '/x' } }],
    ],
    ['directives never reach the stored object', { spec: { newList: [{ $patch: 'delete', x: 1 }], newMap: { '$setElementOrder/a': [] } } }, (o) => [spec(o).newList, spec(o).newMap], [[{ x: 1 }], {}]],
  ];
  for (const [name, patch, pick, want] of table) assert.deepEqual(pick(smp(livePod(), patch)), want, name);
});

test('strategic merge errors read as kube-apiserver reports them', () => {
  rejects(
    () => smp(livePod(), { spec: { containers: [{ image: 'x' }] } }),
    500,
    '',
    'map: map[image:x] does not contain declared merge key: name',
  );
  rejects(
    () => smp(livePod(), { metadata: { labels: { $patch: 'merge' } } }),
    500,
    '',
    'unknown patch type: merge in map: map[$patch:merge]',
  );
  rejects(
    () => smp(livePod(), { spec: { volumes: [{ name: 'v', hostPath: {}, $retainKeys: ['name'] }] } }),
    400,
    'BadRequest',
    'invalid patch format of retainKeys',
  );
  rejects(() => smp(livePod(), { spec: { '$setElementOrder/containers': 'a' } }), 400, 'BadRequest', 'invalid patch format of setElementOrder list');
  rejects(() => smp(livePod(), [1]), 400, 'BadRequest', 'json: cannot unmarshal array into Go value of type map[string]interface {}');
  rejects(
    () => smp({ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine' }, { spec: {} }, info('kubevirt.io', 'VirtualMachine')),
    415,
    'UnsupportedMediaType',
    'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
  );
});

test('a kubectl client-side apply patch round-trips on a Deployment', () => {
  const lastApplied = (image: string, env: string[], sidecar: boolean, tier: boolean): string =>
    `${JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', namespace: 'ns', labels: { app: 'web', ...(tier ? { tier: 'fe' } : {}) } },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              { name: 'web', image, env: env.map((n) => ({ name: n, value: n })) },
              ...(sidecar ? [{ name: 'sidecar', image: 'busybox' }] : []),
            ],
          },
        },
      },
    })}\n`;
  const live: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'd',
      namespace: 'ns',
      labels: { app: 'web', tier: 'fe' },
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied('nginx:1.26', ['A', 'B'], true, true), 'deployment.kubernetes.io/revision': '1' },
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            { name: 'web', image: 'nginx:1.26', env: [{ name: 'A', value: 'A' }, { name: 'B', value: 'B' }], imagePullPolicy: 'IfNotPresent' },
            { name: 'sidecar', image: 'busybox', imagePullPolicy: 'Always' },
          ],
          restartPolicy: 'Always',
        },
      },
    },
  };
  // What kubectl apply sends after the manifest drops label tier, env B and the sidecar and bumps the image.
  const next = lastApplied('nginx:1.27', ['A'], false, false);
  const patch = {
    metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': next }, labels: { tier: null } },
    spec: {
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'web' }],
          containers: [
            { '$setElementOrder/env': [{ name: 'A' }], env: [{ $patch: 'delete', name: 'B' }], image: 'nginx:1.27', name: 'web' },
            { $patch: 'delete', name: 'sidecar' },
          ],
        },
      },
    },
  };
  const out = applyPatch('strategic', info('apps', 'Deployment'), live, patch);
  assert.deepEqual(out.metadata?.labels, { app: 'web' });
  assert.equal(out.metadata?.annotations?.['kubectl.kubernetes.io/last-applied-configuration'], next);
  assert.equal(out.metadata?.annotations?.['deployment.kubernetes.io/revision'], '1');
  const tpl = (out.spec as { template: { spec: { containers: unknown[]; restartPolicy: string } } }).template.spec;
  assert.deepEqual(tpl.containers, [{ name: 'web', image: 'nginx:1.27', env: [{ name: 'A', value: 'A' }], imagePullPolicy: 'IfNotPresent' }]);
  assert.equal(tpl.restartPolicy, 'Always');
  assert.equal((out.spec as { replicas: number }).replicas, 1);
});

test('patch content types map to patch types', () => {
  assert.equal(patchTypeOf('application/json-patch+json'), 'json');
  assert.equal(patchTypeOf('application/merge-patch+json; charset=utf-8'), 'merge');
  assert.equal(patchTypeOf('application/strategic-merge-patch+json'), 'strategic');
  assert.equal(patchTypeOf('application/apply-patch+yaml'), 'apply');
  assert.equal(patchTypeOf('application/json'), undefined);
});

const deepFreeze = <T>(v: T): T => {
  if (v !== null && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
};

test('strategic merge reads frozen inputs without changing them (the store hands out frozen objects; retries reuse the patch)', () => {
  const patches: unknown[] = [
    { status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'Initialized', status: 'True' }] } },
    { metadata: { labels: { tier: null, new: 'x' }, '$deleteFromPrimitiveList/finalizers': ['a/x'] } },
    { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'c' }, { name: 'a' }], containers: [{ name: 'c', image: 'w', env: [{ name: 'X', $patch: 'delete' }] }] } },
    { spec: { containers: [{ $patch: 'delete', name: 'a' }], volumes: [{ name: 'v', hostPath: { path: '/x' }, $retainKeys: ['hostPath', 'name'] }] } },
    { spec: { newList: [{ $patch: 'delete', x: 1 }], newMap: { '$setElementOrder/a': [], deep: { $patch: 'replace', k: 1 } } } },
    { metadata: { labels: { $patch: 'replace', only: 'me' } } },
  ];
  for (const patch of patches) {
    const want = smp(livePod(), structuredClone(patch));
    const live = deepFreeze(livePod());
    const frozenPatch = deepFreeze(structuredClone(patch));
    const before = JSON.stringify([live, frozenPatch]);
    const got = smp(live, frozenPatch);
    assert.deepEqual(got, want, JSON.stringify(patch));
    assert.equal(JSON.stringify([live, frozenPatch]), before, `inputs unchanged: ${JSON.stringify(patch)}`);
    assert.equal(JSON.stringify(got).includes('$'), false, `no directive left: ${JSON.stringify(patch)}`);
    // Applying the same patch again (a conflict retry) gives the same answer.
    assert.deepEqual(smp(live, frozenPatch), want);
  }
});

test('a directive already in the original is dropped as typed decoding drops it', () => {
  const live: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { nodeSelector: { $patch: 'x', a: 'b' } } };
  assert.deepEqual(spec(smp(live, { metadata: { labels: { l: 'v' } } })).nodeSelector, { a: 'b' });
});
