// Real kubectl renders our Table rows: `kubectl get` (and -o wide) against a loopback server that
// answers list requests with builtinTable output wrapped in a meta.k8s.io/v1 Table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../api/meta/index.js';
import { findBuiltin } from '../catalogue.js';
import { skipWithoutKubectl, withKubectl } from '../testing/kubectl-server.js';
import { builtinTable } from './index.js';

const now = Date.now();
const ago = (ms: number): string => new Date(now - ms).toISOString();

const objects: Record<string, KubeObject[]> = {
  '/api/v1/namespaces/default/pods': [
    {
      metadata: { name: 'web-1', namespace: 'default', creationTimestamp: ago(5 * 60_000 + 10_000) },
      spec: { nodeName: 'node1', containers: [{ name: 'a' }, { name: 'b' }] },
      status: {
        phase: 'Running',
        podIPs: [{ ip: '10.244.0.7' }],
        containerStatuses: [
          { name: 'a', ready: true, restartCount: 0, state: { running: {} } },
          { name: 'b', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: ago(40_000) } } },
        ],
      },
    },
  ],
  '/apis/apps/v1/namespaces/default/deployments': [
    {
      metadata: { name: 'web', namespace: 'default', creationTimestamp: ago(3 * 3600_000) },
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } } },
      status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
    },
  ],
};

function tableFor(path: string): unknown {
  const list = objects[path];
  if (!list) return undefined;
  const m = /^\/apis?\/(?:([^/]+)\/)?v1\/namespaces\/[^/]+\/([^/]+)$/.exec(path);
  const info = findBuiltin(m?.[1] ?? '', 'v1', m?.[2] ?? '');
  assert.ok(info, path);
  const t = builtinTable(info, list, now);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: '1' },
    columnDefinitions: t.columnDefinitions,
    rows: t.rows.map((r) => ({ cells: r.cells, object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: (r.object as KubeObject).metadata } })),
  };
}

const lines = (out: string): string[][] => out.trim().split('\n').map((l) => l.trim().split(/\s{2,}/));

test('kubectl get prints our pod and deployment tables', { skip: skipWithoutKubectl }, async () => {
  await withKubectl((path) => tableFor(path), async (kubectl) => {
    assert.deepEqual(lines(await kubectl('get', 'pods', '-n', 'default')), [
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
      ['web-1', '1/2', 'CrashLoopBackOff', '3 (40s ago)', '5m10s'],
    ]);
    assert.deepEqual(lines(await kubectl('get', 'pods', '-n', 'default', '-o', 'wide')), [
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES'],
      ['web-1', '1/2', 'CrashLoopBackOff', '3 (40s ago)', '5m10s', '10.244.0.7', 'node1', '<none>', '<none>'],
    ]);
    assert.deepEqual(lines(await kubectl('get', 'deploy', '-n', 'default', '-o', 'wide')), [
      ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR'],
      ['web', '2/3', '3', '2', '3h', 'nginx', 'nginx:1.27', 'app=web'],
    ]);
  });
});
