import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../../api/meta/index.js';
import { decodeKubeProtobuf } from './protobuf.js';

// A minimal encoder for the test: length-delimited fields only (plus varints).
const varint = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
};
const field = (num: number, payload: Buffer | string): Buffer => {
  const b = typeof payload === 'string' ? Buffer.from(payload) : payload;
  return Buffer.from([...varint(num * 8 + 2), ...varint(b.length), ...b]);
};
const num = (n: number, v: number): Buffer => {
  const bytes: number[] = [];
  let x = BigInt.asUintN(64, BigInt(v));
  do {
    let b = Number(x & 0x7fn);
    x >>= 7n;
    if (x > 0n) b |= 0x80;
    bytes.push(b);
  } while (x > 0n);
  return Buffer.from([...varint(n * 8), ...bytes]);
};
const msg = (...parts: Buffer[]): Buffer => Buffer.concat(parts);
const envelope = (apiVersion: string, kind: string, raw: Buffer): Buffer =>
  Buffer.concat([Buffer.from('k8s\0', 'binary'), field(1, msg(field(1, apiVersion), field(2, kind))), field(2, raw)]);

test('decodes a ConfigMap as kubectl create configmap sends it', () => {
  const meta = msg(field(1, 'cm1'), field(3, ''), field(11, msg(field(1, 'app'), field(2, 'web'))));
  const raw = msg(field(1, meta), field(2, msg(field(1, 'a'), field(2, 'b'))), field(2, msg(field(1, 'c'), field(2, 'd'))));
  assert.deepEqual(decodeKubeProtobuf(envelope('v1', 'ConfigMap', raw)), {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cm1', labels: { app: 'web' } },
    data: { a: 'b', c: 'd' },
  });
});

test('decodes a SelfSubjectAccessReview', () => {
  const attrs = msg(field(1, 'default'), field(2, 'list'), field(5, 'pods'));
  const raw = msg(field(1, msg(field(1, ''))), field(2, msg(field(1, attrs))));
  assert.deepEqual(decodeKubeProtobuf(envelope('authorization.k8s.io/v1', 'SelfSubjectAccessReview', raw)), {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    metadata: {},
    spec: { resourceAttributes: { namespace: 'default', verb: 'list', resource: 'pods' } },
  });
});

test('decodes a Deployment as kubectl create deployment sends it: nested messages, pointers, zero values', () => {
  const container = msg(field(1, 'nginx'), field(2, 'nginx'), field(6, msg(num(3, 80), field(4, 'TCP'), num(2, 0))), field(8, msg()), num(16, 0));
  const podSpec = msg(field(2, container), num(4, -1), num(11, 0), field(26, msg()));
  const template = msg(field(1, msg(field(11, msg(field(1, 'app'), field(2, 'x'))), field(8, msg()))), field(2, podSpec));
  const rolling = msg(field(1, msg(num(1, 1), field(3, '25%'))), field(2, msg(num(1, 0), num(2, 0))));
  const spec = msg(num(1, 0), field(2, msg(field(1, msg(field(1, 'app'), field(2, 'x'))))), field(3, template), field(4, msg(field(1, 'RollingUpdate'), field(2, rolling))), num(7, 0));
  const meta = msg(field(1, 'x'), num(7, 0), field(8, msg(num(1, 1_700_000_000))));
  assert.deepEqual(decodeKubeProtobuf(envelope('apps/v1', 'Deployment', msg(field(1, meta), field(2, spec), field(3, msg())))), {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'x', creationTimestamp: '2023-11-14T22:13:20Z' },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: 'x' } },
      template: {
        metadata: { labels: { app: 'x' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80, protocol: 'TCP' }], resources: {} }], terminationGracePeriodSeconds: -1, dnsConfig: {} },
      },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 0 } },
    },
    status: {},
  });
});

test('decodes a Secret: bytes map values as base64, stringData as text', () => {
  const raw = msg(field(1, msg(field(1, 's'))), field(2, msg(field(1, 'k'), field(2, Buffer.from([0, 1, 2])))), field(4, msg(field(1, 't'), field(2, 'v'))), field(3, 'Opaque'));
  assert.deepEqual(decodeKubeProtobuf(envelope('v1', 'Secret', raw)), {
    apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { k: 'AAEC' }, stringData: { t: 'v' }, type: 'Opaque',
  });
});

test('kinds without a field table and garbage are 415', () => {
  for (const buf of [envelope('apiextensions.k8s.io/v1', 'CustomResourceDefinition', Buffer.alloc(0)), envelope('v1', 'Status', Buffer.alloc(0)), Buffer.from('not protobuf')]) {
    assert.throws(() => decodeKubeProtobuf(buf), (e: unknown) => e instanceof StatusError && e.code === 415);
  }
});

test('decodes an Ingress as kubectl create ingress sends it: the inline rule value joins its rule', () => {
  const backend = msg(field(4, msg(field(1, 'svc1'), field(2, msg(num(2, 8080))))));
  const path = msg(field(1, '/bar'), field(3, 'Exact'), field(2, backend));
  const rule = msg(field(1, 'foo.com'), field(2, msg(field(1, msg(field(1, path))))));
  const spec = msg(field(4, 'nginx'), field(3, rule), field(2, msg(field(1, 'foo.com'), field(2, 'sec'))));
  const raw = msg(field(1, msg(field(1, 'web'))), field(2, spec), field(3, msg(field(1, msg()))));
  assert.deepEqual(decodeKubeProtobuf(envelope('networking.k8s.io/v1', 'Ingress', raw)), {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web' },
    spec: {
      ingressClassName: 'nginx',
      rules: [{ host: 'foo.com', http: { paths: [{ path: '/bar', pathType: 'Exact', backend: { service: { name: 'svc1', port: { number: 8080 } } } }] } }],
      tls: [{ hosts: ['foo.com'], secretName: 'sec' }],
    },
    status: { loadBalancer: {} },
  });
});
