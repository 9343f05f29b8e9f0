import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatReference, InvalidReferenceError, parseReference, registryBaseUrl } from './reference.js';

const D = `sha256:${'a'.repeat(64)}`;

test('parseReference applies docker.io, library/ and latest defaults', () => {
  const cases: [string, string, Record<string, string | undefined>][] = [
    ['busybox', 'docker.io/library/busybox:latest', { registry: 'docker.io', repository: 'library/busybox', tag: 'latest' }],
    ['busybox:1.36', 'docker.io/library/busybox:1.36', { tag: '1.36' }],
    ['kubevirt/virt-launcher:v1', 'docker.io/kubevirt/virt-launcher:v1', { repository: 'kubevirt/virt-launcher' }],
    ['index.docker.io/library/alpine', 'docker.io/library/alpine:latest', { registry: 'docker.io' }],
    ['quay.io/kubevirt/cirros-container-disk-demo', 'quay.io/kubevirt/cirros-container-disk-demo:latest', { registry: 'quay.io' }],
    ['localhost:5000/x', 'localhost:5000/x:latest', { registry: 'localhost:5000', repository: 'x' }],
    ['localhost/x:t', 'localhost/x:t', { registry: 'localhost', tag: 't' }],
    ['127.0.0.1:5000/a/b/c:v1.2_3', '127.0.0.1:5000/a/b/c:v1.2_3', { repository: 'a/b/c' }],
    [`reg.example:443/img@${D}`, `reg.example:443/img@${D}`, { digest: D, tag: undefined }],
    [`img:t@${D}`, `docker.io/library/img:t@${D}`, { tag: 't', digest: D }],
    ['a__b/c-d.e', 'docker.io/a__b/c-d.e:latest', {}],
  ];
  for (const [ref, formatted, fields] of cases) {
    const r = parseReference(ref);
    assert.equal(formatReference(r), formatted, ref);
    for (const [k, v] of Object.entries(fields)) assert.equal((r as unknown as Record<string, unknown>)[k], v, `${ref} ${k}`);
  }
});

test('parseReference rejects invalid names with the reference in the message', () => {
  const cases: [string, RegExp][] = [
    ['', /invalid reference format/],
    ['Busybox', /must be lowercase/],
    ['busybox:', /invalid reference format/],
    ['busybox@sha256:abc', /invalid reference format/],
    ['a//b', /invalid reference format/],
    ['-a/b', /invalid reference format/],
    ['busybox:-bad', /invalid reference format/],
    ['a b', /invalid reference format/],
  ];
  for (const [ref, msg] of cases) {
    assert.throws(() => parseReference(ref), (e: unknown) => e instanceof InvalidReferenceError && msg.test(e.message) && e.message.includes(`"${ref}"`), ref);
  }
});

test('registryBaseUrl uses plain HTTP only for loopback and listed registries', () => {
  const cases: [string, string[], string][] = [
    ['docker.io', [], 'https://registry-1.docker.io'],
    ['quay.io', [], 'https://quay.io'],
    ['localhost:5000', [], 'http://localhost:5000'],
    ['127.0.0.1:41234', [], 'http://127.0.0.1:41234'],
    ['reg.lan:5000', [], 'https://reg.lan:5000'],
    ['reg.lan:5000', ['reg.lan:5000'], 'http://reg.lan:5000'],
  ];
  for (const [reg, insecure, url] of cases) assert.equal(registryBaseUrl(reg, insecure), url, reg);
});
