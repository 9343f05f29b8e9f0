import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../api/meta/index.js';
import { humanDuration, translateTimestampSince } from './duration.js';
import { builtinTable } from './index.js';

const NOW = Date.parse('2024-06-01T12:00:00Z');
const ago = (ms: number): string => new Date(NOW - ms).toISOString();
const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

test('humanDuration rounds like apimachinery', () => {
  const cases: [number, string][] = [
    [-3 * S, '<invalid>'],
    [-1 * S, '0s'],
    [0, '0s'],
    [59 * S, '59s'],
    [119 * S, '119s'],
    [2 * M, '2m'],
    [5 * M + 10 * S, '5m10s'],
    [9 * M + 59 * S, '9m59s'],
    [10 * M + 30 * S, '10m'],
    [179 * M, '179m'],
    [3 * H, '3h'],
    [3 * H + 5 * M, '3h5m'],
    [7 * H + 59 * M, '7h59m'],
    [8 * H + 30 * M, '8h'],
    [47 * H, '47h'],
    [2 * D, '2d'],
    [2 * D + 5 * H, '2d5h'],
    [8 * D, '8d'],
    [729 * D, '729d'],
    [2 * 365 * D, '2y'],
    [3 * 365 * D + 45 * D, '3y45d'],
    [9 * 365 * D, '9y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, String(ms));
  assert.equal(translateTimestampSince(undefined, NOW), '<unknown>');
  assert.equal(translateTimestampSince(ago(90 * S), NOW), '90s');
});

const cells = (group: string, kind: string, o: KubeObject): unknown[] => builtinTable({ group, kind }, [o], NOW).rows[0]!.cells;
const headers = (group: string, kind: string): string[] => builtinTable({ group, kind }, [], NOW).columnDefinitions.map((c) => c.name);

const running = { running: { startedAt: ago(H) } };
const pod = (status: Record<string, unknown>, spec: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KubeObject => ({
  metadata: { name: 'p', creationTimestamp: ago(5 * M + 10 * S), ...meta },
  spec: { containers: [{ name: 'a' }, { name: 'b' }], ...spec },
  status,
});

test('pod columns and STATUS as kubectl shows it', () => {
  assert.deepEqual(headers('', 'Pod'), ['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node', 'Nominated Node', 'Readiness Gates']);
  assert.deepEqual(
    builtinTable({ group: '', kind: 'Pod' }, [], NOW).columnDefinitions.filter((c) => c.priority === 1).map((c) => c.name),
    ['IP', 'Node', 'Nominated Node', 'Readiness Gates'],
  );
  const cs = (name: string, state: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ name, state, ready: false, restartCount: 0, ...extra });
  const cases: [string, KubeObject, unknown[]][] = [
    ['pending', pod({ phase: 'Pending' }), ['p', '0/2', 'Pending', '0', '5m10s', '<none>', '<none>', '<none>', '<none>']],
    [
      'running and ready',
      pod(
        { phase: 'Running', podIPs: [{ ip: '10.0.0.5' }], containerStatuses: [cs('a', running, { ready: true }), cs('b', running, { ready: true })] },
        { nodeName: 'node1', readinessGates: [{ conditionType: 'x' }] },
      ),
      ['p', '2/2', 'Running', '0', '5m10s', '10.0.0.5', 'node1', '<none>', '0/1'],
    ],
    [
      'crash loop with restarts',
      pod({
        phase: 'Running',
        containerStatuses: [
          cs('a', { waiting: { reason: 'CrashLoopBackOff' } }, { restartCount: 4, lastState: { terminated: { exitCode: 1, finishedAt: ago(90 * S) } } }),
          cs('b', running, { ready: true }),
        ],
      }),
      ['p', '1/2', 'CrashLoopBackOff', '4 (90s ago)', '5m10s'],
    ],
    ['container creating', pod({ phase: 'Pending', containerStatuses: [cs('a', { waiting: { reason: 'ContainerCreating' } })] }), ['p', '0/2', 'ContainerCreating', '0', '5m10s']],
    [
      'init containers',
      pod(
        { phase: 'Pending', initContainerStatuses: [cs('i1', { terminated: { exitCode: 0, reason: 'Completed' } }), cs('i2', { running: {} })] },
        { initContainers: [{ name: 'i1' }, { name: 'i2' }] },
      ),
      ['p', '0/2', 'Init:1/2', '0', '5m10s'],
    ],
    [
      'init container failed',
      pod({ phase: 'Pending', initContainerStatuses: [cs('i1', { terminated: { exitCode: 2 } })] }, { initContainers: [{ name: 'i1' }] }),
      ['p', '0/2', 'Init:ExitCode:2', '0', '5m10s'],
    ],
    ['init waiting', pod({ phase: 'Pending', initContainerStatuses: [cs('i1', { waiting: { reason: 'ErrImagePull' } })] }, { initContainers: [{ name: 'i1' }] }), ['p', '0/2', 'Init:ErrImagePull', '0', '5m10s']],
    ['completed', pod({ phase: 'Succeeded', containerStatuses: [cs('a', { terminated: { exitCode: 0, reason: 'Completed' } })] }), ['p', '0/2', 'Completed', '0', '5m10s']],
    ['killed by signal', pod({ phase: 'Failed', containerStatuses: [cs('a', { terminated: { exitCode: 137, signal: 9 } })] }), ['p', '0/2', 'Signal:9', '0', '5m10s']],
    ['evicted', pod({ phase: 'Failed', reason: 'Evicted' }), ['p', '0/2', 'Evicted', '0', '5m10s']],
    ['terminating', pod({ phase: 'Running', containerStatuses: [cs('a', running, { ready: true })] }, {}, { deletionTimestamp: ago(0) }), ['p', '1/2', 'Terminating', '0', '5m10s']],
    [
      'completed container but another still running',
      pod({ phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: [cs('a', running, { ready: true }), cs('b', { terminated: { exitCode: 0, reason: 'Completed' } })] }),
      ['p', '1/2', 'NotReady', '0', '5m10s'],
    ],
  ];
  for (const [name, o, want] of cases) assert.deepEqual(cells('', 'Pod', o).slice(0, want.length), want, name);
});

test('column headers of the main kinds', () => {
  const cases: [string, string, string[]][] = [
    ['', 'Node', ['Name', 'Status', 'Roles', 'Age', 'Version', 'Internal-IP', 'External-IP', 'OS-Image', 'Kernel-Version', 'Container-Runtime']],
    ['', 'Service', ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector']],
    ['', 'ConfigMap', ['Name', 'Data', 'Age']],
    ['', 'Secret', ['Name', 'Type', 'Data', 'Age']],
    ['', 'PersistentVolumeClaim', ['Name', 'Status', 'Volume', 'Capacity', 'Access Modes', 'StorageClass', 'VolumeAttributesClass', 'Age', 'VolumeMode']],
    ['', 'Event', ['Last Seen', 'Type', 'Reason', 'Object', 'Subobject', 'Source', 'Message', 'First Seen', 'Count', 'Name']],
    ['apps', 'Deployment', ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector']],
    ['batch', 'Job', ['Name', 'Status', 'Completions', 'Duration', 'Age', 'Containers', 'Images', 'Selector']],
    ['apiregistration.k8s.io', 'APIService', ['Name', 'Service', 'Available', 'Age']],
    ['admissionregistration.k8s.io', 'ValidatingWebhookConfiguration', ['Name', 'Webhooks', 'Age']],
    ['apiextensions.k8s.io', 'CustomResourceDefinition', ['Name', 'Created At']],
    ['rbac.authorization.k8s.io', 'ClusterRole', ['Name', 'Created At']],
  ];
  for (const [group, kind, want] of cases) assert.deepEqual(headers(group, kind), want, kind);
});

const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, creationTimestamp: ago(3 * H), ...extra });

test('cells of the main kinds', () => {
  assert.deepEqual(
    cells('', 'Node', {
      metadata: meta('n1', { labels: { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/hostname': 'n1' } }),
      spec: { unschedulable: true },
      status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v1.30.0', osImage: 'Debian' }, addresses: [{ type: 'InternalIP', address: '10.1.1.1' }] },
    }),
    ['n1', 'Ready,SchedulingDisabled', 'control-plane', '3h', 'v1.30.0', '10.1.1.1', '<none>', 'Debian', '<unknown>', '<unknown>'],
  );
  assert.deepEqual(
    cells('', 'Service', { metadata: meta('web'), spec: { type: 'NodePort', clusterIPs: ['10.96.0.10'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }], selector: { b: '2', a: '1' } } }),
    ['web', 'NodePort', '10.96.0.10', '<none>', '80:30080/TCP,53/UDP', '3h', 'a=1,b=2'],
  );
  assert.deepEqual(cells('', 'Service', { metadata: meta('lb'), spec: { type: 'LoadBalancer', clusterIP: '10.0.0.1', ports: [] }, status: { loadBalancer: {} } }).slice(0, 5), [
    'lb', 'LoadBalancer', '10.0.0.1', '<pending>', '<none>',
  ]);
  assert.deepEqual(
    cells('', 'Endpoints', { metadata: meta('web'), subsets: [{ addresses: [{ ip: '1.1.1.1' }, { ip: '1.1.1.2' }], ports: [{ port: 80 }, { port: 443 }] }] }),
    ['web', '1.1.1.1:80,1.1.1.2:80,1.1.1.1:443 + 1 more...', '3h'],
  );
  assert.deepEqual(cells('', 'Secret', { metadata: meta('s'), type: 'Opaque', data: { a: 'eA==', b: 'eQ==' } }), ['s', 'Opaque', 2, '3h']);
  assert.deepEqual(cells('', 'ConfigMap', { metadata: meta('c'), data: { a: 'x' }, binaryData: { b: 'eA==' } }), ['c', 2, '3h']);
  assert.deepEqual(
    cells('', 'PersistentVolumeClaim', {
      metadata: meta('data'),
      spec: { volumeName: 'pv1', storageClassName: 'local', volumeMode: 'Filesystem' },
      status: { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce'] },
    }),
    ['data', 'Bound', 'pv1', '1Gi', 'RWO,RWX', 'local', '<unset>', '3h', 'Filesystem'],
  );
  assert.deepEqual(
    cells('', 'Event', {
      metadata: meta('e1'),
      type: 'Warning',
      reason: 'BackOff',
      message: ' Back-off restarting ',
      involvedObject: { kind: 'Pod', name: 'p', fieldPath: 'spec.containers{a}' },
      source: { component: 'kubelet', host: 'n1' },
      firstTimestamp: ago(10 * M),
      lastTimestamp: ago(M),
      count: 7,
    }),
    ['60s', 'Warning', 'BackOff', 'pod/p', 'spec.containers{a}', 'kubelet, n1', 'Back-off restarting', '10m', 7, 'e1'],
  );
  assert.deepEqual(
    cells('apps', 'Deployment', {
      metadata: meta('d'),
      spec: { replicas: 3, selector: { matchLabels: { app: 'a' } }, template: { spec: { containers: [{ name: 'c', image: 'nginx:1' }] } } },
      status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
    }),
    ['d', '2/3', 3, 2, '3h', 'c', 'nginx:1', 'app=a'],
  );
  assert.deepEqual(
    cells('batch', 'Job', { metadata: meta('j'), spec: { completions: 1, template: { spec: { containers: [] } } }, status: { succeeded: 1, startTime: ago(2 * M), completionTime: ago(M), conditions: [{ type: 'Complete', status: 'True' }] } }).slice(0, 5),
    ['j', 'Complete', '1/1', '60s', '3h'],
  );
  assert.deepEqual(
    cells('apiregistration.k8s.io', 'APIService', { metadata: meta('v1.x.io'), spec: { service: { namespace: 'kubevirt', name: 'virt-api' } }, status: { conditions: [{ type: 'Available', status: 'False', reason: 'FailedDiscoveryCheck' }] } }),
    ['v1.x.io', 'kubevirt/virt-api', 'False (FailedDiscoveryCheck)', '3h'],
  );
  assert.deepEqual(cells('apiregistration.k8s.io', 'APIService', { metadata: meta('v1.apps') }), ['v1.apps', 'Local', 'Unknown', '3h']);
  assert.deepEqual(cells('admissionregistration.k8s.io', 'MutatingWebhookConfiguration', { metadata: meta('m'), webhooks: [{}, {}] }), ['m', 2, '3h']);
  assert.deepEqual(cells('storage.k8s.io', 'StorageClass', { metadata: meta('local', { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }), provisioner: 'kubevirt-ts/local' }), [
    'local (default)', 'kubevirt-ts/local', 'Delete', 'Immediate', false, '3h',
  ]);
  assert.deepEqual(
    cells('rbac.authorization.k8s.io', 'RoleBinding', { metadata: meta('rb'), roleRef: { kind: 'ClusterRole', name: 'edit' }, subjects: [{ kind: 'User', name: 'u' }, { kind: 'ServiceAccount', name: 'sa', namespace: 'ns' }] }),
    ['rb', 'ClusterRole/edit', '3h', 'u', '', 'ns:sa'],
  );
  assert.deepEqual(cells('apiextensions.k8s.io', 'CustomResourceDefinition', { metadata: meta('vms.kubevirt.io') }), ['vms.kubevirt.io', ago(3 * H)]);
  assert.deepEqual(cells('coordination.k8s.io', 'Lease', { metadata: meta('l'), spec: { holderIdentity: 'virt-controller-1' } }), ['l', 'virt-controller-1', '3h']);
});

test('rows carry the object', () => {
  const o = { metadata: meta('x') };
  assert.equal(builtinTable({ group: '', kind: 'ConfigMap' }, [o], NOW).rows[0]!.object, o);
});
