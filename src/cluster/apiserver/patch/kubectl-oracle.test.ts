/**
 * Differential test against real kubectl: `kubectl patch --local` applies patches with the same
 * apimachinery code kube-apiserver runs (strategicpatch, evanphx/json-patch v4), offline.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatusError, type KubeObject } from '../../../api/meta/index.js';
import type { PatchType } from '../contracts.js';
import { resourceInfo } from '../selectors/test-fixtures.js';
import { applyPatch } from './index.js';

const kubectl = ['/usr/bin/kubectl', 'kubectl'].find((k) => spawnSync(k, ['version', '--client'], { timeout: 10_000 }).status === 0);

const pod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', labels: { app: 'web', tier: 'fe' }, finalizers: ['a/x', 'b/y'] },
  spec: {
    containers: [
      { name: 'a', image: 'x', env: [{ name: 'E1', value: '1' }, { name: 'E2', value: '2' }], ports: [{ containerPort: 80 }] },
      { name: 'b', image: 'y' },
    ],
    volumes: [{ name: 'v', emptyDir: {} }, { name: 'w', configMap: { name: 'cm' } }],
    tolerations: [{ key: 'k1', operator: 'Exists' }],
  },
  status: { conditions: [{ type: 'Ready', status: 'False' }, { type: 'PodScheduled', status: 'True' }] },
};

const cases: [Exclude<PatchType, 'apply'>, unknown][] = [
  ['strategic', { spec: { containers: [{ name: 'c', image: 'w' }, { name: 'a', image: 'q' }, { name: 'd' }] } }],
  ['strategic', { spec: { containers: [{ name: 'a', env: [{ name: 'E3', value: '3' }, { name: 'E1', value: 'one' }] }] } }],
  ['strategic', { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'c' }, { name: 'a' }], containers: [{ name: 'c', image: 'w' }] } }],
  ['strategic', { spec: { containers: [{ $patch: 'delete', name: 'a' }, { name: 'b', ports: [{ containerPort: 9 }] }] } }],
  ['strategic', { metadata: { '$setElementOrder/finalizers': ['b/y', 'c/z', 'a/x'], finalizers: ['c/z'], labels: { tier: null } } }],
  ['strategic', { spec: { '$setElementOrder/volumes': [{ name: 'v' }, { name: 'w' }], volumes: [{ name: 'v', hostPath: { path: '/x' }, $retainKeys: ['hostPath', 'name'] }] } }],
  ['strategic', { status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'Initialized', status: 'True' }] }, spec: { tolerations: [] } }],
  ['strategic', { metadata: { '$deleteFromPrimitiveList/finalizers': ['a/x'], labels: { $patch: 'replace', x: 'y' } } }],
  ['strategic', { spec: { containers: [{ image: 'x' }] } }],
  ['json', [{ op: 'replace', path: '/metadata/labels/new', value: 'v' }, { op: 'add', path: '/spec/containers/-1', value: { name: 'n' } }]],
  ['json', [{ op: 'remove', path: '/metadata/labels/none' }]],
  ['json', [{ op: 'test', path: '/metadata/labels/app', value: 'x' }]],
  ['merge', { metadata: { labels: { app: null } }, spec: { containers: [{ name: 'only' }] } }],
];

const sortKeys = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(sortKeys)
    : v && typeof v === 'object'
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]))
      : v;

test('patches give what kubectl patch --local gives', { skip: kubectl ? false : 'no kubectl binary found' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'patch-oracle-'));
  try {
    const file = join(dir, 'pod.json');
    writeFileSync(file, JSON.stringify(pod));
    for (const [type, patch] of cases) {
      const r = spawnSync(kubectl as string, ['patch', '--local', '-f', file, '--type', type, '-p', JSON.stringify(patch), '-o', 'json'], {
        encoding: 'utf8',
        timeout: 20_000,
      });
      const label = `${type} ${JSON.stringify(patch)}`;
      if (r.status === 0) {
        assert.deepEqual(sortKeys(applyPatch(type, resourceInfo('', 'Pod'), pod, patch)), sortKeys(JSON.parse(r.stdout)), label);
      } else {
        const want = r.stderr.trim().replace(/^error: /, '');
        assert.throws(
          () => applyPatch(type, resourceInfo('', 'Pod'), pod, patch),
          (e: unknown) => e instanceof StatusError && (e.message === want || e.details?.causes?.[0]?.message === want),
          `${label}: want ${want}`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
