import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basicAuth, credentialFor, parseChallenge } from './auth.js';
import { parseManifest, selectPlatform } from './manifest.js';

test('parseChallenge reads bearer and basic challenges', () => {
  const cases: [string, ReturnType<typeof parseChallenge>][] = [
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"',
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' } },
    ],
    ['Basic realm="Registry Realm"', { scheme: 'basic', params: { realm: 'Registry Realm' } }],
    ['bearer realm=https://r/t, service=x', { scheme: 'bearer', params: { realm: 'https://r/t', service: 'x' } }],
    ['Bearer realm="a\\"b"', { scheme: 'bearer', params: { realm: 'a"b' } }],
    ['', undefined],
  ];
  for (const [h, want] of cases) assert.deepEqual(parseChallenge(h), want, h);
});

test('credentialFor matches the registry host, docker.io aliases included', () => {
  const secrets = [
    { registry: 'https://index.docker.io/v1/', username: 'd', password: 'p' },
    { registry: 'localhost:5000', username: 'l', password: 'p' },
  ];
  assert.equal(credentialFor('docker.io', secrets)?.username, 'd');
  assert.equal(credentialFor('localhost:5000', secrets)?.username, 'l');
  assert.equal(credentialFor('quay.io', secrets), undefined);
  assert.equal(basicAuth({ username: 'u', password: 'p' }), `Basic ${Buffer.from('u:p').toString('base64')}`);
});

test('parseManifest and selectPlatform pick linux/amd64 from an index', () => {
  const d = (c: string): string => `sha256:${c.repeat(64)}`;
  const index = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d('1'), size: 1, platform: { os: 'linux', architecture: 'arm64' } },
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d('2'), size: 1, platform: { os: 'linux', architecture: 'amd64' } },
    ],
  };
  const parsed = parseManifest(Buffer.from(JSON.stringify(index)), undefined);
  assert.equal(parsed.kind, 'index');
  assert.equal(parsed.kind === 'index' ? selectPlatform(parsed)?.digest : '', d('2'));
  const docker = { schemaVersion: 2, config: { mediaType: 'x', digest: d('3'), size: 2 }, layers: [] };
  const m = parseManifest(Buffer.from(JSON.stringify(docker)), 'application/vnd.docker.distribution.manifest.v2+json');
  assert.equal(m.kind === 'manifest' ? m.config.digest : '', d('3'));
  assert.throws(() => parseManifest(Buffer.from('{"schemaVersion":1}'), undefined), /schemaVersion 1/);
  assert.throws(() => parseManifest(Buffer.from(JSON.stringify({ ...docker, config: { digest: 'md5:x', size: 1 } })), undefined), /invalid descriptor/);
});
