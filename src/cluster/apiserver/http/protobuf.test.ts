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

test('decodes a SelfSubjectAccessReview with empty metadata dropped', () => {
  const attrs = msg(field(1, 'default'), field(2, 'list'), field(5, 'pods'));
  const raw = msg(field(1, msg(field(1, ''))), field(2, msg(field(1, attrs))));
  assert.deepEqual(decodeKubeProtobuf(envelope('authorization.k8s.io/v1', 'SelfSubjectAccessReview', raw)), {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    spec: { resourceAttributes: { namespace: 'default', verb: 'list', resource: 'pods' } },
  });
});

test('unknown kinds and garbage are 415', () => {
  for (const buf of [envelope('apps/v1', 'Deployment', Buffer.alloc(0)), Buffer.from('not protobuf')]) {
    assert.throws(() => decodeKubeProtobuf(buf), (e: unknown) => e instanceof StatusError && e.code === 415);
  }
});
