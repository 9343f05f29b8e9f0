import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../api/meta/index.js';
import { findPort, shouldPodBeInEndpoints } from './pods.js';
import { planSlices, sliceContents, SERVICE_NAME_LABEL, SLICE_MANAGED_BY } from './slices.js';
import { desiredEndpoints, endpointSubsets, sameEndpoints, truncateSubsets, MAX_ENDPOINTS, type EndpointSubset } from './subsets.js';

interface PodOpts {
  ip?: string;
  ready?: boolean;
  phase?: string;
  deleting?: boolean;
  ports?: { name: string; containerPort: number; protocol?: string }[];
  node?: string;
  hostname?: string;
  subdomain?: string;
}

function pod(name: string, o: PodOpts = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, labels: { app: 'web' }, ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: { nodeName: o.node ?? 'node-1', containers: [{ name: 'c', ports: o.ports ?? [] }], ...(o.hostname ? { hostname: o.hostname, subdomain: o.subdomain } : {}) },
    status: {
      phase: o.phase ?? 'Running',
      ...(o.ip === '' ? {} : { podIP: o.ip ?? '10.244.0.1', podIPs: [{ ip: o.ip ?? '10.244.0.1' }] }),
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
    },
  };
}

function svc(spec: Record<string, unknown>, labels?: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'ns', uid: 'svc-uid', ...(labels ? { labels } : {}) }, spec: { clusterIP: '10.96.0.10', selector: { app: 'web' }, ...spec } };
}

const ref = (name: string) => ({ kind: 'Pod' as const, namespace: 'ns', name, uid: `uid-${name}` });

test('shouldPodBeInEndpoints', () => {
  const cases: [string, KubeObject, boolean, boolean][] = [
    ['running with IP', pod('a'), false, true],
    ['no IP yet', pod('a', { ip: '' }), false, false],
    ['succeeded', pod('a', { phase: 'Succeeded' }), false, false],
    ['failed', pod('a', { phase: 'Failed' }), true, false],
    ['terminating, not included', pod('a', { deleting: true }), false, false],
    ['terminating, included', pod('a', { deleting: true }), true, true],
  ];
  for (const [name, p, incl, want] of cases) assert.equal(shouldPodBeInEndpoints(p, incl), want, name);
});

test('findPort resolves numeric and named target ports', () => {
  const p = pod('a', { ports: [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 5353, protocol: 'UDP' }] });
  const cases: [string, { port: number; targetPort?: number | string; protocol?: string }, number | undefined][] = [
    ['number', { port: 80, targetPort: 9090 }, 9090],
    ['unset means port', { port: 80 }, 80],
    ['named', { port: 80, targetPort: 'http' }, 8080],
    ['named, protocol must match', { port: 53, targetPort: 'dns', protocol: 'TCP' }, undefined],
    ['named UDP', { port: 53, targetPort: 'dns', protocol: 'UDP' }, 5353],
    ['unknown name', { port: 80, targetPort: 'metrics' }, undefined],
  ];
  for (const [name, sp, want] of cases) assert.equal(findPort(p, sp), want, name);
});

test('endpointSubsets: ready and not-ready addresses, named ports, packing', () => {
  const ports = [{ name: 'http', containerPort: 8080 }];
  const cases: [string, KubeObject, KubeObject[], EndpointSubset[]][] = [
    ['no pods', svc({ ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] }), [], []],
    [
      'ready and not ready share the port',
      svc({ ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] }),
      [pod('b', { ip: '10.244.0.9', ports }), pod('a', { ip: '10.244.0.10', ports }), pod('c', { ip: '10.244.0.2', ready: false, ports })],
      [
        {
          addresses: [
            { ip: '10.244.0.9', nodeName: 'node-1', targetRef: ref('b') },
            { ip: '10.244.0.10', nodeName: 'node-1', targetRef: ref('a') },
          ],
          notReadyAddresses: [{ ip: '10.244.0.2', nodeName: 'node-1', targetRef: ref('c') }],
          ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        },
      ],
    ],
    [
      'pods resolving a named port differently get separate subsets; pods without it are left out',
      svc({ ports: [{ port: 80, targetPort: 'http', protocol: 'TCP' }] }),
      [pod('a', { ip: '10.0.0.1', ports }), pod('b', { ip: '10.0.0.2', ports: [{ name: 'http', containerPort: 9000 }] }), pod('c', { ip: '10.0.0.3' })],
      [
        { addresses: [{ ip: '10.0.0.1', nodeName: 'node-1', targetRef: ref('a') }], ports: [{ port: 8080, protocol: 'TCP' }] },
        { addresses: [{ ip: '10.0.0.2', nodeName: 'node-1', targetRef: ref('b') }], ports: [{ port: 9000, protocol: 'TCP' }] },
      ],
    ],
    [
      'publishNotReadyAddresses lists unready pods as ready; terminating pods stay out otherwise',
      svc({ publishNotReadyAddresses: true, ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] }),
      [pod('a', { ip: '10.0.0.1', ready: false })],
      [{ addresses: [{ ip: '10.0.0.1', nodeName: 'node-1', targetRef: ref('a') }], ports: [{ port: 80, protocol: 'TCP' }] }],
    ],
    ['terminating pods are dropped', svc({ ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] }), [pod('a', { deleting: true })], []],
    [
      'headless without ports; hostname when the subdomain names the Service',
      svc({ clusterIP: 'None', ports: undefined }),
      [pod('a', { ip: '10.0.0.1', hostname: 'h', subdomain: 'web' })],
      [{ addresses: [{ ip: '10.0.0.1', hostname: 'h', nodeName: 'node-1', targetRef: ref('a') }] }],
    ],
  ];
  for (const [name, s, pods, want] of cases) assert.deepEqual(endpointSubsets(s, pods), want, name);
});

test('desiredEndpoints labels, headless label and equality', () => {
  const s = svc({ ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] }, { team: 'a' });
  const ep = desiredEndpoints(s, [pod('a')]);
  assert.deepEqual(ep.metadata?.labels, { team: 'a', 'endpoints.kubernetes.io/managed-by': 'endpoint-controller' });
  assert.equal(ep.metadata?.name, 'web');
  const headless = desiredEndpoints(svc({ clusterIP: 'None', ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] }), []);
  assert.equal(headless.metadata?.labels?.['service.kubernetes.io/headless'], '');
  assert.deepEqual(headless.subsets, []);
  const stored = { ...ep, metadata: { ...ep.metadata, resourceVersion: '5', uid: 'x' } };
  assert.ok(sameEndpoints(stored, desiredEndpoints(s, [pod('a')], stored)));
  assert.ok(!sameEndpoints(stored, desiredEndpoints(s, [pod('a', { ready: false })], stored)));
});

test('truncateSubsets keeps ready addresses first', () => {
  const addr = (i: number) => ({ ip: `10.0.${Math.floor(i / 250)}.${i % 250}`, targetRef: { kind: 'Pod' as const, namespace: 'ns', name: `p${i}`, uid: `u${i}` } });
  const subsets: EndpointSubset[] = [{ addresses: Array.from({ length: 900 }, (_, i) => addr(i)), notReadyAddresses: Array.from({ length: 200 }, (_, i) => addr(1000 + i)) }];
  assert.equal(truncateSubsets(subsets), true);
  assert.equal(subsets[0]!.addresses!.length, 900);
  assert.equal(subsets[0]!.notReadyAddresses!.length, MAX_ENDPOINTS - 900);
  assert.equal(truncateSubsets([{ addresses: [addr(1)] }]), false);
});

test('sliceContents: conditions, port groups and the placeholder', () => {
  const ports = [{ name: 'http', containerPort: 8080 }];
  const s = svc({ ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] });
  assert.deepEqual(sliceContents(s, []), [{ ports: [], endpoints: [] }]);
  const got = sliceContents(s, [pod('a', { ports }), pod('b', { ports, ready: false }), pod('c', { ports, deleting: true })]);
  assert.equal(got.length, 1);
  assert.deepEqual(got[0]!.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  assert.deepEqual(
    got[0]!.endpoints.map((e) => [e.targetRef.name, e.conditions]),
    [
      ['a', { ready: true, serving: true, terminating: false }],
      ['b', { ready: false, serving: false, terminating: false }],
      ['c', { ready: false, serving: true, terminating: true }],
    ],
  );
});

test('planSlices creates, keeps, rewrites and deletes', () => {
  const s = svc({ ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] });
  const wanted = sliceContents(s, [pod('a')]);
  const first = planSlices(s, [], wanted);
  assert.equal(first.create.length, 1);
  assert.equal(first.create[0]!.metadata?.generateName, 'web-');
  assert.equal(first.create[0]!.metadata?.labels?.[SERVICE_NAME_LABEL], 'web');
  assert.equal(first.create[0]!.metadata?.labels?.[SLICE_MANAGED_BY], 'endpointslice-controller.k8s.io');
  assert.deepEqual(first.create[0]!.metadata?.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'svc-uid', controller: true, blockOwnerDeletion: true }]);
  const stored = { ...first.create[0]!, metadata: { ...first.create[0]!.metadata, name: 'web-abcde' } };
  assert.deepEqual(planSlices(s, [stored], wanted), { create: [], update: [], delete: [] });
  const changed = planSlices(s, [stored], sliceContents(s, [pod('a', { ready: false })]));
  assert.equal(changed.update.length, 1);
  assert.equal(changed.update[0]!.metadata?.name, 'web-abcde');
  const extra = { ...stored, metadata: { ...stored.metadata, name: 'web-zzzzz' } };
  assert.deepEqual(planSlices(s, [stored, extra], wanted).delete.map((d) => d.metadata?.name), ['web-zzzzz']);
});
